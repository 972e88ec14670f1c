import type { Logger } from "inngest";
import type pino from "pino";

/** What the SDK's own logging middleware says when a step or a function throws (inngest 4.x). */
const THROWN = new Set(["Inngest step error", "Inngest function error"]);
/** Errors no receiver, network or database causes: a bug, whose stack is the news. */
const BUGS = new Set(["TypeError", "ReferenceError", "SyntaxError", "RangeError", "EvalError", "URIError"]);

type Fields = Record<string, unknown>;
type Level = "debug" | "info" | "warn" | "error";

/**
 * The app's pino logger as the Inngest SDK's logger, with one change. A step that throws is how a
 * delivery asks to be retried (a 500, a timeout, a reset, a lease held by another run), and the domain
 * code has logged that already, with its context; the SDK would log it again at error level with a
 * stack trace. Those lines go out at warn with the error's type and message only (and, for an expected
 * retry from the delivery path, its log fields: the sync and the work item's reference), unless the
 * error is a bug (TypeError and the like): then error level and the whole error, stack included.
 */
export function sdkLogger(log: pino.Logger): Logger & { child(bindings: Fields): Logger } {
  const write =
    (level: Level) =>
    (...args: unknown[]) => {
      const [first, message] = args;
      const fields =
        first !== null && typeof first === "object" && !(first instanceof Error)
          ? (first as Fields)
          : undefined;
      if (fields && typeof message === "string" && THROWN.has(message) && fields.err instanceof Error) {
        const err = fields.err as Error & { expected?: boolean; logFields?: Fields };
        if (err.expected === true) {
          const { err: _err, ...rest } = fields;
          log.warn({ ...rest, ...err.logFields }, `${message}; retrying: ${err.message}`);
          return;
        }
        if (!BUGS.has(err.name)) {
          log.warn({ ...fields, err: `${err.name}: ${err.message}` }, message);
          return;
        }
      }
      (log[level] as (...a: unknown[]) => void)(...args);
    };
  return {
    debug: write("debug"),
    info: write("info"),
    warn: write("warn"),
    error: write("error"),
    child: (bindings) => sdkLogger(log.child(bindings)),
  };
}
