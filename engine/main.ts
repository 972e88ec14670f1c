import { parseArgs } from "node:util";
import { parseDuration } from "./duration";
import { createLogger } from "./log";
import { startEngine } from "./server";

const { values } = parseArgs({
  options: {
    port: { type: "string" },
    host: { type: "string" },
    "data-dir": { type: "string" },
    "retry-interval": { type: "string" },
    "sdk-url": { type: "string", multiple: true },
    "max-in-flight": { type: "string" },
  },
});

const env = process.env;
const log = createLogger();
const retryInterval = values["retry-interval"] ?? env.ENGINE_RETRY_INTERVAL;
const sdkUrls = [...(values["sdk-url"] ?? []), ...(env.ENGINE_SDK_URL ?? "").split(/[\s,]+/)].filter(Boolean);

const server = await startEngine({
  port: Number(values.port ?? env.ENGINE_PORT ?? 8288),
  host: values.host ?? env.ENGINE_HOST ?? "127.0.0.1",
  dataDir: values["data-dir"] ?? env.ENGINE_DATA_DIR ?? ".data/engine",
  retryIntervalMs: retryInterval ? parseDuration(retryInterval) : undefined,
  signingKey: env.INNGEST_SIGNING_KEY || undefined,
  sdkUrls,
  logger: log,
  maxInFlight: Number(values["max-in-flight"] ?? env.ENGINE_MAX_IN_FLIGHT ?? 0) || undefined,
});

let stopping = false;
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, "engine stopping");
    server.close().then(
      () => process.exit(0),
      (error) => {
        log.error({ err: error }, "engine stopped with an error");
        process.exit(1);
      },
    );
  });
}
