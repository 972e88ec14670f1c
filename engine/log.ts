import pino from "pino";

export type Logger = pino.Logger;

export function createLogger(level = process.env.ENGINE_LOG_LEVEL ?? "info"): Logger {
  return pino({ name: "engine", level, base: { component: "engine" } });
}
