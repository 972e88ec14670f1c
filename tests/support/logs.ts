import pino from "pino";
import { logger } from "@/lib/logger";

export type LogLine = { level: number; msg: string; [field: string]: unknown };

/**
 * Captures what the app's pino logger writes (its real serializers and redaction, and every child made
 * from it), at `level` and above, until `stop()`: the serialized lines as written (`raw`) and parsed
 * back from JSON (`lines`).
 */
export function captureLogs(level: pino.LevelWithSilent = "debug"): {
  lines: LogLine[];
  raw: string[];
  stop: () => void;
} {
  const lines: LogLine[] = [];
  const raw: string[] = [];
  const target = logger as unknown as Record<symbol, unknown>;
  const stream = target[pino.symbols.streamSym];
  const previousLevel = logger.level;
  target[pino.symbols.streamSym] = {
    write: (line: string) => {
      raw.push(line);
      lines.push(JSON.parse(line) as LogLine);
    },
  };
  logger.level = level;
  return {
    lines,
    raw,
    stop: () => {
      target[pino.symbols.streamSym] = stream;
      logger.level = previousLevel;
    },
  };
}

/** Runs `fn` with the logs captured (captureLogs), returning its result and the raw lines written. */
export async function captureLogsDuring<T>(fn: () => Promise<T>): Promise<{ result: T; lines: string[] }> {
  const capture = captureLogs();
  try {
    return { result: await fn(), lines: capture.raw };
  } finally {
    capture.stop();
  }
}
