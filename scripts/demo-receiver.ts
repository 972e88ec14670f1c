/**
 * A stand-in for n8n in development: accepts webhooks on POST /hooks/<anything>, checks each signature
 * as it arrives (Standard Webhooks, its tolerance applied then) and stores the verdict with it, keeps the
 * last 200 in memory and in .data/demo-receiver.jsonl, and lists them on GET /received (read by the
 * app's /demo-receiver page). It holds one secret: DEMO_RECEIVER_SECRET, the seeded demo-receiver
 * integration's, for deliveries to DEMO_RECEIVER_URL's path; deliveries to other paths are kept
 * unchecked. It also catches the app's e-mail on DEMO_SMTP_PORT (mail-catcher.ts) and lists it on GET /mails.
 */
import { appendFileSync, existsSync, mkdirSync, readFileSync } from "node:fs";
import http from "node:http";
import path from "node:path";
import { Webhook } from "standardwebhooks";
import {
  DEMO_INTEGRATION_NAME,
  type ReceiverKey,
  receiverKeyFor,
  type SignatureVerdict,
  verifyOnReceipt,
} from "@/server/demo/receipt";
import { type CaughtMail, startMailCatcher } from "./mail-catcher";

function fail(name: string, problem: string): never {
  console.error(`Invalid configuration:\n  ${name}: ${problem}`);
  process.exit(1);
}

const PORT = Number(process.env.DEMO_RECEIVER_PORT ?? 3999);
if (!Number.isInteger(PORT) || PORT < 0 || PORT > 65_535) {
  fail("DEMO_RECEIVER_PORT", `must be a port number (got "${process.env.DEMO_RECEIVER_PORT}")`);
}
const HOST = process.env.DEMO_RECEIVER_HOST ?? "127.0.0.1";
const SMTP_PORT = Number(process.env.DEMO_SMTP_PORT ?? 2525);
if (!Number.isInteger(SMTP_PORT) || SMTP_PORT < 0 || SMTP_PORT > 65_535) {
  fail("DEMO_SMTP_PORT", `must be a port number (got "${process.env.DEMO_SMTP_PORT}")`);
}
// The app reaches the receiver at DEMO_RECEIVER_URL (npm run dev sets it); its origin is the one to announce.
const LOOPBACK = new Set(["127.0.0.1", "0.0.0.0", "::1", "::", "localhost"]);
let origin: string;
try {
  origin = new URL(
    process.env.DEMO_RECEIVER_URL || `http://${LOOPBACK.has(HOST) ? "localhost" : HOST}:${PORT}`,
  ).origin;
} catch {
  fail("DEMO_RECEIVER_URL", `must be an http:// URL (got "${process.env.DEMO_RECEIVER_URL}")`);
}
const SECRET = process.env.DEMO_RECEIVER_SECRET?.trim();
const KEYS: ReceiverKey[] = [];
if (SECRET) {
  try {
    new Webhook(SECRET);
  } catch {
    fail("DEMO_RECEIVER_SECRET", "must be a Standard Webhooks secret (whsec_ + base64)");
  }
  KEYS.push(
    receiverKeyFor(
      process.env.DEMO_RECEIVER_URL || `${origin}/hooks/work-items`,
      DEMO_INTEGRATION_NAME,
      SECRET,
    ),
  );
}
const FILE = path.resolve(process.env.DEMO_RECEIVER_FILE ?? ".data/demo-receiver.jsonl");
const KEEP = 200;
const MAX_BODY = 1024 * 1024;

type Received = {
  seq: number;
  receivedAt: string;
  path: string;
  headers: Record<string, string>;
  body: string;
  /** Absent on records kept before the receiver checked on receipt. */
  verdict?: SignatureVerdict;
};

mkdirSync(path.dirname(FILE), { recursive: true });
const received: Received[] = existsSync(FILE)
  ? readFileSync(FILE, "utf8")
      .split("\n")
      .filter(Boolean)
      .slice(-KEEP)
      .map((line) => JSON.parse(line) as Received)
  : [];
let seq = received.at(-1)?.seq ?? 0;

function send(res: http.ServerResponse, status: number, body: unknown) {
  res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
}

const server = http.createServer((req, res) => {
  const url = new URL(req.url ?? "/", `http://${req.headers.host ?? "localhost"}`);
  if (req.method === "GET" && url.pathname === "/received") {
    send(res, 200, { data: [...received].reverse() });
    return;
  }
  if (req.method === "GET" && url.pathname === "/mails") {
    send(res, 200, { data: catcher?.mails() ?? [] });
    return;
  }
  if (req.method === "GET" && url.pathname === "/health") {
    send(res, 200, { ok: true });
    return;
  }
  if (req.method !== "POST" || !url.pathname.startsWith("/hooks/")) {
    send(res, 404, { error: "POST webhooks to /hooks/<name>; GET /received lists them" });
    return;
  }
  const chunks: Buffer[] = [];
  let size = 0;
  req.on("data", (chunk: Buffer) => {
    size += chunk.length;
    if (size <= MAX_BODY) chunks.push(chunk);
  });
  req.on("end", () => {
    if (size > MAX_BODY) {
      send(res, 413, { error: "body too large" });
      return;
    }
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers)) if (typeof v === "string") headers[k] = v;
    const receivedAt = new Date();
    const body = Buffer.concat(chunks).toString("utf8");
    const entry: Received = {
      seq: ++seq,
      receivedAt: receivedAt.toISOString(),
      path: url.pathname,
      headers,
      body,
      verdict: verifyOnReceipt({ path: url.pathname, headers, body }, KEYS, receivedAt),
    };
    received.push(entry);
    if (received.length > KEEP) received.shift();
    appendFileSync(FILE, `${JSON.stringify(entry)}\n`);
    console.log(
      JSON.stringify({
        level: "info",
        msg: `webhook received: signature ${describeVerdict(entry.verdict)}`,
        seq: entry.seq,
        webhookId: headers["webhook-id"],
      }),
    );
    send(res, 200, { received: true, seq: entry.seq });
  });
});

function describeVerdict(verdict: SignatureVerdict | undefined): string {
  if (verdict?.status === "valid") return `valid (${verdict.integration}'s secret)`;
  if (verdict?.status === "invalid") return `invalid (${verdict.integration}'s secret: ${verdict.reason})`;
  return "not checked: unknown integration";
}

let catcher: { mails: () => CaughtMail[]; close: () => Promise<void> } | undefined;
startMailCatcher({
  port: SMTP_PORT,
  host: HOST,
  onMail: (mail) =>
    console.log(
      JSON.stringify({
        level: "info",
        msg: `mail caught: "${mail.subject}" from ${mail.from} to ${mail.to.join(", ")}`,
        seq: mail.seq,
      }),
    ),
}).then(
  (started) => {
    catcher = started;
    console.log(
      JSON.stringify({ level: "info", msg: `mail catcher listening on smtp://${HOST}:${started.port}` }),
    );
  },
  (error: Error) =>
    console.log(JSON.stringify({ level: "warn", msg: `mail catcher not started: ${error.message}` })),
);

server.listen(PORT, HOST, () => {
  console.log(
    JSON.stringify({
      level: "info",
      msg: `demo receiver listening on http://${HOST}:${PORT}: point an integration at ${origin}/hooks/<name>`,
    }),
  );
  console.log(
    JSON.stringify(
      KEYS.length
        ? {
            level: "info",
            msg: `checking signatures of deliveries to ${origin}${KEYS[0].path} with ${DEMO_INTEGRATION_NAME}'s secret`,
          }
        : { level: "warn", msg: "DEMO_RECEIVER_SECRET unset: no signature is checked" },
    ),
  );
});
for (const signal of ["SIGINT", "SIGTERM"] as const)
  process.on(signal, () => {
    void catcher?.close();
    server.close(() => process.exit(0));
  });
