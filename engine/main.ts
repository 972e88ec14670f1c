import { parseArgs } from "node:util";
import { readEngineConfig } from "./config";
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

const config = (() => {
  try {
    return readEngineConfig(process.env, {
      ENGINE_PORT: values.port,
      ENGINE_HOST: values.host,
      ENGINE_DATA_DIR: values["data-dir"],
      ENGINE_RETRY_INTERVAL: values["retry-interval"],
      ENGINE_MAX_IN_FLIGHT: values["max-in-flight"],
    });
  } catch (error) {
    console.error((error as Error).message);
    process.exit(1);
  }
})();
const log = createLogger(config.ENGINE_LOG_LEVEL);
const sdkUrls = [...(values["sdk-url"] ?? []), ...config.ENGINE_SDK_URL.split(/[\s,]+/)].filter(Boolean);

const server = await (async () => {
  try {
    return await startEngine({
      port: config.ENGINE_PORT,
      host: config.ENGINE_HOST,
      dataDir: config.ENGINE_DATA_DIR,
      retryIntervalMs: config.ENGINE_RETRY_INTERVAL ? parseDuration(config.ENGINE_RETRY_INTERVAL) : undefined,
      signingKey: config.INNGEST_SIGNING_KEY || undefined,
      eventKey: config.INNGEST_EVENT_KEY || undefined,
      allowedHosts: config.ENGINE_ALLOWED_HOSTS.split(/[\s,]+/).filter(Boolean),
      sdkUrls,
      logger: log,
      maxInFlight: config.ENGINE_MAX_IN_FLIGHT || undefined,
    });
  } catch (error) {
    console.error((error as Error).message);
    process.exit(1);
  }
})();

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
