/**
 * Creates an admin account, e.g. production's first one:
 *   npm run create-admin -- --email ada@example.com --name "Ada Admin"
 * The password comes from ADMIN_PASSWORD, or is asked for (hidden) on a terminal.
 * Uses DATABASE_URL / PGLITE_DIR like the app. With PGlite, stop the app first (one process per data folder).
 */
import { stdin, stdout } from "node:process";
import { openDatabase, optionsFromEnv } from "@/db/client";
import { migrateDatabase } from "@/db/migrate";
import { adminInputSchema, createOrUpdateAdmin, parseCliArgs } from "@/server/auth/first-admin";
import { normalizeEmail } from "@/server/auth/users";

const USAGE =
  'Usage: npm run create-admin -- --email ada@example.com --name "Ada Admin" [--update]\n' +
  "Password: ADMIN_PASSWORD, or typed when asked. --update turns an existing user into an admin with this password.";

async function promptHidden(question: string): Promise<string> {
  if (!stdin.isTTY) throw new Error("No ADMIN_PASSWORD set and no terminal to ask for one");
  stdout.write(question);
  stdin.setRawMode(true);
  stdin.resume();
  stdin.setEncoding("utf8");
  return new Promise((resolve, reject) => {
    let value = "";
    const onData = (chunk: string) => {
      for (const ch of chunk) {
        if (ch === "\r" || ch === "\n") {
          cleanup();
          stdout.write("\n");
          resolve(value);
          return;
        }
        if (ch === "\u0003") {
          cleanup();
          reject(new Error("Cancelled"));
          return;
        }
        if (ch === "\u007f" || ch === "\b") value = value.slice(0, -1);
        else value += ch;
      }
    };
    const cleanup = () => {
      stdin.off("data", onData);
      stdin.setRawMode(false);
      stdin.pause();
    };
    stdin.on("data", onData);
  });
}

async function main(): Promise<number> {
  let args: ReturnType<typeof parseCliArgs>;
  try {
    args = parseCliArgs(process.argv.slice(2));
  } catch (error) {
    console.error(`${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  if (args.help) {
    console.log(USAGE);
    return 0;
  }
  let password = process.env.ADMIN_PASSWORD;
  if (!password) {
    try {
      password = await promptHidden("Password for the new admin: ");
      const again = await promptHidden("Repeat the password: ");
      if (again !== password) {
        console.error("The passwords differ.");
        return 2;
      }
    } catch (error) {
      console.error(`${(error as Error).message}\n${USAGE}`);
      return 2;
    }
  }
  const parsed = adminInputSchema.safeParse({
    email: args.email,
    name: args.name,
    password,
    update: args.update,
  });
  if (!parsed.success) {
    for (const issue of parsed.error.issues) console.error(`  ${issue.message}`);
    console.error(USAGE);
    return 2;
  }
  const handle = openDatabase(optionsFromEnv());
  try {
    await migrateDatabase(handle);
    const result = await createOrUpdateAdmin(handle.db, parsed.data);
    const email = normalizeEmail(parsed.data.email);
    console.log(
      result.created
        ? `Admin ${email} created. They can sign in now.`
        : `${email} is now an active admin with the new password (signed out everywhere).`,
    );
    return 0;
  } catch (error) {
    console.error((error as Error).message);
    return 1;
  } finally {
    await handle.close();
  }
}

process.exitCode = await main();
