/**
 * The app's Inngest functions behind the SDK's node handler, as a child process the fault tests can
 * SIGKILL: `node --import tsx tests/faults/support/sdk-app.ts` with PORT, DATABASE_URL,
 * INNGEST_BASE_URL (and INNGEST_DEV=1) in the environment. Prints "ready" when it listens.
 */
import http from "node:http";

const { inngest } = await import("@/inngest/client");
const { functions } = await import("@/inngest/functions");
const { serve } = await import("inngest/node");

const handler = serve({ client: inngest, functions, servePath: "/api/inngest" });
const server = http.createServer((req, res) => void handler(req, res));
server.keepAliveTimeout = 65_000;
server.listen(Number(process.env.PORT), "127.0.0.1", () => {
  process.stdout.write("ready\n");
});
for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => process.exit(0));
