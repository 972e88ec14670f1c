#!/usr/bin/env node
// The server Playwright tests run against: a production build (`next start`), the local engine
// (short fixed retry interval), the demo receiver, and a fresh embedded database seeded with demo data.
import { spawnSync } from "node:child_process";
import { existsSync, rmSync } from "node:fs";

const dataDir = ".data/e2e";
rmSync(dataDir, { recursive: true, force: true });

if (!existsSync(".next/BUILD_ID")) {
  const build = spawnSync(process.execPath, ["node_modules/next/dist/bin/next", "build"], {
    stdio: "inherit",
  });
  if (build.status !== 0) process.exit(build.status ?? 1);
}

process.env.PORT ??= "3300";
process.env.ENGINE_PORT ??= "8390";
process.env.DEMO_RECEIVER_PORT ??= "3998";
// No e-mail in the browser suite (the integration suite has a real SMTP server); the catcher takes any free port.
process.env.SMTP_URL ??= "";
process.env.DEMO_SMTP_PORT ??= "0";
process.env.PGLITE_DIR = `${dataDir}/pglite`;
process.env.ENGINE_DATA_DIR = `${dataDir}/engine`;
process.env.DEMO_RECEIVER_FILE = `${dataDir}/demo-receiver.jsonl`;
process.env.ENGINE_RETRY_INTERVAL ??= "200ms";
process.env.WEBHOOK_FIRST_RETRY_MS ??= "200";
process.env.SEED_DEMO_DATA = "1";
process.env.BETTER_AUTH_SECRET ??= "e2e-only-secret-0123456789abcdef0123456789abcdef";
process.env.SECRETS_KEY ??= "ZTJlLW9ubHkta2V5LTAxMjM0NTY3ODlhYmNkZWYwMTI=";
// Known to tests/e2e/demo-receiver.spec.ts, which signs deliveries of its own with it.
process.env.DEMO_RECEIVER_SECRET ??= "whsec_ZTJlLW9ubHktZGVtby1yZWNlaXZlci1zZWNyZXQtMDEyMw==";
process.env.BETTER_AUTH_URL ??= `http://127.0.0.1:${process.env.PORT}`;
process.env.APP_URL ??= `http://127.0.0.1:${process.env.PORT}`;
// WEBHOOK_ALLOWED_HOSTS: dev.mjs's default, so the browser suite sees what npm run dev offers.
process.env.WEBHOOK_TIMEOUT_MS ??= "3000";
process.env.LOG_LEVEL ??= "warn";
process.env.ENGINE_LOG_LEVEL ??= "warn";
// Every browser test signs in from 127.0.0.1; the limiter itself is covered by the integration suite.
process.env.SIGN_IN_RATE_LIMIT ??= "1000";
process.argv[2] = "start";
await import("./dev.mjs");
