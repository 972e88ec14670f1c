import pino from "pino";

const level = process.env.LOG_LEVEL ?? (process.env.NODE_ENV === "test" ? "silent" : "info");

/** Structured JSON logs. Secrets never go through here: redact paths guard the usual suspects. */
export const logger = pino({
  level,
  base: { service: "fixed-service" },
  redact: {
    paths: ["secret", "*.secret", "headerValue", "*.headerValue", "password", "*.password"],
    censor: "[redacted]",
  },
});

export type Logger = typeof logger;
