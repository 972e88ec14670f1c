#!/usr/bin/env node
// `npm run dev`: the app (next dev), the local Inngest-compatible engine and the demo receiver,
// wired together on their embedded defaults. Ctrl+C stops all three.
import { spawn } from "node:child_process";
import { mkdirSync } from "node:fs";

const APP_PORT = process.env.PORT ?? "3000";
const ENGINE_PORT = process.env.ENGINE_PORT ?? "8288";
const RECEIVER_PORT = process.env.DEMO_RECEIVER_PORT ?? "3999";
const mode = process.argv[2] === "start" ? "start" : "dev";

mkdirSync(".data", { recursive: true });

const shared = {
  ...process.env,
  INNGEST_DEV: process.env.INNGEST_DEV ?? "1",
  INNGEST_BASE_URL: process.env.INNGEST_BASE_URL ?? `http://127.0.0.1:${ENGINE_PORT}`,
  DEMO_RECEIVER_URL: process.env.DEMO_RECEIVER_URL ?? `http://localhost:${RECEIVER_PORT}/hooks/work-items`,
  // The demo receiver runs on this machine; only its host is let through the SSRF guard.
  WEBHOOK_ALLOWED_HOSTS: process.env.WEBHOOK_ALLOWED_HOSTS ?? "localhost",
};

const processes = [
  {
    name: "receiver",
    color: 35,
    cmd: process.execPath,
    args: ["node_modules/tsx/dist/cli.mjs", "scripts/demo-receiver.ts"],
    env: { DEMO_RECEIVER_PORT: RECEIVER_PORT },
  },
  {
    name: "engine",
    color: 36,
    cmd: process.execPath,
    args: [
      "node_modules/tsx/dist/cli.mjs",
      "engine/main.ts",
      "--port",
      ENGINE_PORT,
      "--sdk-url",
      `http://127.0.0.1:${APP_PORT}/api/inngest`,
    ],
    env: {},
  },
  {
    name: "app",
    color: 32,
    cmd: process.execPath,
    args: ["node_modules/next/dist/bin/next", mode, "-p", APP_PORT],
    env: {},
  },
];

const children = [];
let stopping = false;

function stopAll(code) {
  if (stopping) return;
  stopping = true;
  for (const child of children) if (child.exitCode === null) child.kill("SIGTERM");
  setTimeout(() => process.exit(code), 3000).unref();
}

for (const p of processes) {
  const child = spawn(p.cmd, p.args, { env: { ...shared, ...p.env }, stdio: ["ignore", "pipe", "pipe"] });
  const prefix = `\x1b[${p.color}m[${p.name}]\x1b[0m `;
  for (const stream of [child.stdout, child.stderr]) {
    let buffer = "";
    stream.on("data", (chunk) => {
      buffer += chunk;
      const lines = buffer.split("\n");
      buffer = lines.pop();
      for (const line of lines) process.stdout.write(`${prefix}${line}\n`);
    });
  }
  child.on("exit", (code, signal) => {
    process.stdout.write(`${prefix}exited (${signal ?? code})\n`);
    stopAll(code ?? 1);
  });
  children.push(child);
}

process.on("SIGINT", () => stopAll(0));
process.on("SIGTERM", () => stopAll(0));
