import pino from "pino";
import { logger } from "@/lib/logger";

type Writable = { write: (line: string) => void };

/**
 * Runs `fn` with the app's logger (its real serializers and redaction) writing JSON lines into an
 * array instead of stdout, at debug level. Child loggers created inside `fn` inherit the stream.
 */
export async function captureLogs<T>(fn: () => Promise<T>): Promise<{ result: T; lines: string[] }> {
  const target = logger as unknown as Record<symbol, Writable>;
  const stream = target[pino.symbols.streamSym];
  const level = logger.level;
  const lines: string[] = [];
  target[pino.symbols.streamSym] = { write: (line) => lines.push(line) };
  logger.level = "debug";
  try {
    return { result: await fn(), lines };
  } finally {
    target[pino.symbols.streamSym] = stream;
    logger.level = level;
  }
}
