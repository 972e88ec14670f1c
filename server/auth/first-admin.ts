import "server-only";
import { z } from "zod";
import type { Db } from "@/db/client";
import { MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH } from "./policy";
import { createUser, findUserIdByEmail, reactivateUser, setUserPassword, setUserRole } from "./users";

export const adminInputSchema = z.object({
  email: z.email({ error: "--email must be an e-mail address" }),
  name: z.string().trim().min(1, "--name is required").max(100),
  password: z
    .string()
    .min(MIN_PASSWORD_LENGTH, `the password needs at least ${MIN_PASSWORD_LENGTH} characters`)
    .max(MAX_PASSWORD_LENGTH, `the password may have at most ${MAX_PASSWORD_LENGTH} characters`),
  update: z.boolean(),
});
export type AdminInput = z.infer<typeof adminInputSchema>;

export type CliArgs = { email?: string; name?: string; update: boolean; help: boolean };

/** `--email a@b.c --name "Ada" [--update]` (also `--email=…`). Unknown flags are an error. */
export function parseCliArgs(argv: string[]): CliArgs {
  const out: CliArgs = { update: false, help: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const [flag, inline] = arg.includes("=")
      ? [arg.slice(0, arg.indexOf("=")), arg.slice(arg.indexOf("=") + 1)]
      : [arg];
    const value = () => {
      if (inline !== undefined) return inline;
      const next = argv[++i];
      if (next === undefined || next.startsWith("--")) throw new Error(`${flag} needs a value`);
      return next;
    };
    if (flag === "--email") out.email = value();
    else if (flag === "--name") out.name = value();
    else if (flag === "--update") out.update = true;
    else if (flag === "--help" || flag === "-h") out.help = true;
    else throw new Error(`Unknown argument: ${arg}`);
  }
  return out;
}

export type FirstAdminResult = { id: string; created: boolean };

/**
 * Creates an admin. An existing e-mail is refused unless `update` is set, which makes that user an
 * active admin with the new password and signs them out everywhere (recovery when locked out).
 */
export async function createOrUpdateAdmin(db: Db, input: AdminInput): Promise<FirstAdminResult> {
  const existing = await findUserIdByEmail(db, input.email);
  if (existing) {
    if (!input.update) {
      throw new Error(
        `A user with e-mail ${input.email} already exists (add --update to make them an admin with this password)`,
      );
    }
    await setUserRole(db, existing, "admin");
    await reactivateUser(db, existing);
    await setUserPassword(db, existing, input.password, { revokeSessions: true });
    return { id: existing, created: false };
  }
  const created = await createUser(db, {
    name: input.name,
    email: input.email,
    role: "admin",
    password: input.password,
  });
  if (!created.ok) throw new Error(`A user with e-mail ${input.email} already exists`);
  return { id: created.id, created: true };
}
