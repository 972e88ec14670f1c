import { logger as appLogger } from "@/lib/logger";

type Pino = typeof appLogger;
type LogArg = unknown;

/** An error the delivery path throws so Inngest retries (a 500, a timeout, a reset, a lease another run holds). */
function isExpectedRetry(value: unknown): boolean {
  return value instanceof Error && (value as { expected?: unknown }).expected === true;
}

/**
 * The SDK's logger: the app's pino logger, except that the SDK's "Inngest step error" (error level,
 * with the stack) for an expected retry becomes a warning with its message only. The delivery path
 * has logged that try already, with its reference; a stack says nothing about a receiver's 500.
 */
function wrap(log: Pino) {
  const call = (level: "info" | "warn" | "error" | "debug", args: LogArg[]) =>
    (log[level] as (...a: LogArg[]) => void)(...args);
  return {
    info: (...args: LogArg[]) => call("info", args),
    warn: (...args: LogArg[]) => call("warn", args),
    debug: (...args: LogArg[]) => call("debug", args),
    error: (...args: LogArg[]) => {
      const [first, ...rest] = args;
      const err = (first as { err?: unknown } | undefined)?.err;
      if (isExpectedRetry(err)) {
        const { message, logFields } = err as Error & { logFields?: Record<string, unknown> };
        log.warn({ ...logFields }, `${String(rest[0] ?? "Inngest step error")}; retrying: ${message}`);
        return;
      }
      call("error", args);
    },
    child: (bindings: Record<string, unknown>) => wrap(log.child(bindings)),
  };
}

export const inngestLogger = wrap(appLogger);
