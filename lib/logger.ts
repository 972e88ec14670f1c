import pino from "pino";
import { env } from "./env";
import { serializeError } from "./log-errors";

const config = env();

/**
 * One JSON line per event on stdout, in every environment (`npm run dev` prints them as readable lines:
 * scripts/log-format.mjs). Secrets never go through here: redact paths guard the usual suspects, and
 * errors are serialized without the bound values of a failed query (log-errors.ts).
 */
export const logger = pino(
  {
    level: config.LOG_LEVEL ?? (config.NODE_ENV === "test" ? "silent" : "info"),
    base: { service: "fixed-service" },
    redact: {
      paths: ["secret", "*.secret", "headerValue", "*.headerValue", "password", "*.password"],
      censor: "[redacted]",
    },
    serializers: { err: serializeError },
  },
  process.stdout,
);
