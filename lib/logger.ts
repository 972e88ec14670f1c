import pino from "pino";
import { env } from "./env";
import { serializeError } from "./log-errors";

const config = env();
const level = config.LOG_LEVEL ?? (config.NODE_ENV === "test" ? "silent" : "info");

/** Structured JSON logs. Secrets never go through here: redact paths guard the usual suspects. */
export const logger = pino({
  level,
  base: { service: "fixed-service" },
  serializers: { err: serializeError },
  redact: {
    paths: ["secret", "*.secret", "headerValue", "*.headerValue", "password", "*.password"],
    censor: "[redacted]",
  },
});
