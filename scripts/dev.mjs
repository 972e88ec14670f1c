#!/usr/bin/env node
// `npm run dev`: the app (next dev), the local Inngest-compatible engine and the demo receiver,
// wired together on their embedded defaults (supervisor.mjs keeps them running; Ctrl+C stops all
// three). `dev.mjs start` runs the production build (`next start`) the same way, for local tests.
// Arguments after the mode go to next: `npm run dev -- --webpack`.
import { randomBytes } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { flushOutboxOnceSynced } from "./flush-outbox.mjs";
import { formatLogLine } from "./log-format.mjs";
import { supervise } from "./supervisor.mjs";

const APP_PORT = process.env.PORT ?? "3000";
const HOST = process.env.HOST ?? "127.0.0.1";
const ENGINE_PORT = process.env.ENGINE_PORT ?? "8288";
const RECEIVER_PORT = process.env.DEMO_RECEIVER_PORT ?? "3999";
const RECEIVER_HOST = process.env.DEMO_RECEIVER_HOST ?? "127.0.0.1";
const RECEIVER_URL = process.env.DEMO_RECEIVER_URL ?? `http://localhost:${RECEIVER_PORT}/hooks/work-items`;
const SMTP_PORT = process.env.DEMO_SMTP_PORT ?? "2525";
// The demo receiver catches mail on SMTP_PORT; a developer's own SMTP_URL wins.
const smtpUrl = process.env.SMTP_URL ?? `smtp://127.0.0.1:${SMTP_PORT}`;
const mode = process.argv[2] === "start" ? "start" : "dev";
const nextArgs = process.argv.slice(process.argv[2] === "start" || process.argv[2] === "dev" ? 3 : 2);
const pretty = (process.env.LOG_FORMAT ?? "pretty") !== "json";
const color = Boolean(process.stdout.isTTY) && !process.env.NO_COLOR;

mkdirSync(".data", { recursive: true });

/**
 * The seeded demo-receiver integration's signing secret, which the demo receiver holds to check its
 * deliveries on arrival: generated once and kept in .data/demo-receiver-secret (mode 0600).
 */
function demoReceiverSecret() {
  if (process.env.DEMO_RECEIVER_SECRET) return process.env.DEMO_RECEIVER_SECRET;
  const file = ".data/demo-receiver-secret";
  try {
    return readFileSync(file, "utf8").trim();
  } catch {
    const secret = `whsec_${randomBytes(32).toString("base64")}`;
    writeFileSync(file, `${secret}\n`, { mode: 0o600 });
    return secret;
  }
}

// Whichever way the demo receiver is named, by the URL the app posts to or by the address it says it
// listens on, the integration form accepts it. Only loopback names: nothing else on the network.
const receiverHosts = [
  "localhost",
  new URL(RECEIVER_URL).hostname,
  ...(RECEIVER_HOST === "0.0.0.0" || RECEIVER_HOST === "::" ? ["127.0.0.1"] : [RECEIVER_HOST]),
];

const notes = [];
// A production build in Inngest dev mode takes unsigned requests from whoever reaches /api/inngest:
// fine on this machine against the local engine, never for a deployment. Say so unless asked for.
let inngestDev = process.env.INNGEST_DEV;
if (inngestDev === undefined && !process.env.INNGEST_SIGNING_KEY) {
  inngestDev = "1";
  if (mode === "start") {
    notes.push(
      "dev.mjs start: the production build runs in Inngest dev mode (INNGEST_DEV=1: the engine's requests",
      "to /api/inngest are not signed) against the local engine. Deployments use `npm start` with",
      "INNGEST_SIGNING_KEY; set INNGEST_DEV=1 yourself to run this way without this note.",
    );
  }
}

const shared = {
  ...(inngestDev === undefined ? {} : { INNGEST_DEV: inngestDev }),
  INNGEST_BASE_URL: process.env.INNGEST_BASE_URL ?? `http://127.0.0.1:${ENGINE_PORT}`,
  APP_URL: process.env.APP_URL ?? `http://localhost:${APP_PORT}`,
  DEMO_RECEIVER_URL: RECEIVER_URL,
  DEMO_RECEIVER_SECRET: demoReceiverSecret(),
  // The demo receiver runs on this machine; only its host is let through the SSRF guard.
  WEBHOOK_ALLOWED_HOSTS: process.env.WEBHOOK_ALLOWED_HOSTS ?? [...new Set(receiverHosts)].join(","),
};

const tsx = "node_modules/tsx/dist/cli.mjs";
const specs = [
  {
    name: "receiver",
    color: 35,
    command: process.execPath,
    args: [tsx, "scripts/demo-receiver.ts"],
    env: {
      ...shared,
      DEMO_RECEIVER_PORT: RECEIVER_PORT,
      DEMO_RECEIVER_HOST: RECEIVER_HOST,
      DEMO_SMTP_PORT: SMTP_PORT,
    },
  },
  {
    name: "engine",
    color: 36,
    command: process.execPath,
    args: [
      tsx,
      "engine/main.ts",
      "--port",
      ENGINE_PORT,
      "--sdk-url",
      `http://127.0.0.1:${APP_PORT}/api/inngest`,
    ],
    env: shared,
  },
  {
    name: "app",
    color: 32,
    command: process.execPath,
    // next dev listens on all interfaces unless told: the demo users' passwords are public.
    args: ["node_modules/next/dist/bin/next", mode, "-p", APP_PORT, "-H", HOST, ...nextArgs],
    env: { ...shared, SMTP_URL: smtpUrl },
  },
];

const appUrl = `http://${HOST === "127.0.0.1" || HOST === "0.0.0.0" ? "localhost" : HOST}:${APP_PORT}`;
const demoUsers = mode === "dev" || process.env.SEED_DEMO_DATA === "1";
const banner = [
  "",
  `Fixed Service (${mode === "dev" ? "development" : "production build"}): open ${appUrl}`,
  ...(demoUsers
    ? [
        "  sign in as tech@fixed.test (technician), manager@fixed.test or admin@fixed.test,",
        "  password fixed-service-demo (demo users, seeded into a fresh database)",
      ]
    : []),
  `  engine        http://127.0.0.1:${ENGINE_PORT} (runs and steps)`,
  `  demo receiver ${new URL(RECEIVER_URL).origin}/hooks/<name> takes webhooks (the app's Demo receiver page lists them)`,
  process.env.SMTP_URL
    ? "  e-mail        through your SMTP_URL"
    : `  e-mail        caught at smtp://127.0.0.1:${SMTP_PORT} (logged, and listed on the Demo receiver page)`,
  `  listening on ${HOST}${HOST === "127.0.0.1" ? " only (HOST=0.0.0.0 opens it to the network)" : ""}`,
  `  ${pretty ? "LOG_FORMAT=json prints the raw JSON log lines; " : ""}Ctrl+C stops all three`,
  ...notes.map((n) => `  ${n}`),
  "",
];
process.stdout.write(`${banner.join("\n")}\n`);

const supervisor = supervise(specs, {
  color,
  formatLine: pretty ? (line) => formatLogLine(line, { color }) : (line) => line,
});
supervisor.done.then((code) => process.exit(code));

// The seeded changes go out once the engine has the app's functions, not at the outbox cron's next minute.
const flushing = new AbortController();
supervisor.done.then(() => flushing.abort());
flushOutboxOnceSynced({
  engineUrl: shared.INNGEST_BASE_URL,
  eventKey: process.env.INNGEST_EVENT_KEY || "dev",
  signal: flushing.signal,
  onError: (error) =>
    process.stdout.write(`[dev] outbox flush at start: ${error instanceof Error ? error.message : error}\n`),
}).then((sent) => {
  if (sent)
    process.stdout.write(
      "[dev] the engine has the app's functions: outbox flushed (seeded changes go out now)\n",
    );
});
