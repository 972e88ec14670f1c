import pino from "pino";
import { logger } from "@/lib/logger";

export type LogLine = { level: number; msg: string; [field: string]: unknown };

/**
 * Captures what the app's pino logger writes (and every child made from it), at `level` and above,
 * until `stop()`: the real serialized lines, parsed back from JSON.
 */
export function captureLogs(level: pino.LevelWithSilent = "debug"): { lines: LogLine[]; stop: () => void } {
  const lines: LogLine[] = [];
  const target = logger as unknown as Record<symbol, unknown>;
  const stream = target[pino.symbols.streamSym];
  const previousLevel = logger.level;
  target[pino.symbols.streamSym] = {
    write: (line: string) => {
      lines.push(JSON.parse(line) as LogLine);
    },
  };
  logger.level = level;
  return {
    lines,
    stop: () => {
      target[pino.symbols.streamSym] = stream;
      logger.level = previousLevel;
    },
  };
}
