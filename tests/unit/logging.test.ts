import pino from "pino";
import { afterEach, describe, expect, it, vi } from "vitest";
import { sdkLogger } from "@/inngest/sdk-logger";
import { resetEnvCache } from "@/lib/env";
import { formatLogLine } from "../../scripts/log-format.mjs";

const saved = { ...process.env };
afterEach(() => {
  process.env = { ...saved };
  resetEnvCache();
  vi.restoreAllMocks();
});

/** The app's logger as production builds it (LOG_LEVEL=info), and every chunk it writes to stdout. */
async function productionLogger() {
  process.env = { ...saved, NODE_ENV: "production", LOG_LEVEL: "info" };
  resetEnvCache();
  vi.resetModules();
  const writes: string[] = [];
  vi.spyOn(process.stdout, "write").mockImplementation((chunk: string | Uint8Array) => {
    writes.push(String(chunk));
    return true;
  });
  const { logger } = await import("@/lib/logger");
  return { logger, writes };
}

function failure(message: string, Type: ErrorConstructor = Error): Error {
  try {
    throw new Type(message);
  } catch (error) {
    return error as Error;
  }
}

describe("the app's logger", () => {
  it("writes one JSON line per event in production, an error's stack included", async () => {
    const { logger, writes } = await productionLogger();
    logger.info(
      { syncId: 7, reference: "RMA-000025" },
      "Sending webhook to n8n for WorkItem RMA-000025 (attempt 1)",
    );
    logger.error({ err: failure("database went away") }, "Delivery of sync 7 failed for good");
    logger.warn({ headerValue: "s3cret" }, "redacted");

    expect(writes).toHaveLength(3);
    for (const w of writes) expect(w).toMatch(/^\{[^\n]*\}\n$/);
    const [info, error, redacted] = writes.map((w) => JSON.parse(w));
    expect(info).toMatchObject({ level: 30, service: "fixed-service", syncId: 7, reference: "RMA-000025" });
    expect(error.err).toMatchObject({ type: "Error", message: "database went away" });
    expect(error.err.stack).toMatch(/\n\s+at /);
    expect(redacted.headerValue).toBe("[redacted]");
  });
});

describe("npm run dev's log lines (scripts/log-format.mjs)", () => {
  const time = new Date(2026, 11, 2, 14, 3, 4).getTime();

  it("turns a pino line into one readable line: time, level, reference, message, fields", () => {
    const line = JSON.stringify({
      level: 30,
      time,
      pid: 123,
      hostname: "box",
      service: "fixed-service",
      reference: "RMA-000025",
      syncId: 7,
      integrationId: 2,
      status: 200,
      msg: "Successfully synced WorkItem RMA-000025 to n8n",
    });
    expect(formatLogLine(line)).toBe(
      "14:03:04 INFO  RMA-000025 Successfully synced WorkItem RMA-000025 to n8n syncId=7 integrationId=2 status=200",
    );
  });

  it("puts an expected failure on its one line, and quotes values with spaces", () => {
    const line = JSON.stringify({
      level: 40,
      time,
      component: "inngest",
      runID: "01J",
      eventName: "webhooks/delivery.requested",
      err: "Error: Webhook to n8n failed (attempt 2): HTTP 500",
      msg: "Inngest step error",
      note: "two words",
    });
    const out = formatLogLine(line);
    expect(out.split("\n")).toHaveLength(1);
    expect(out).toBe(
      '14:03:04 WARN  Inngest step error runID=01J eventName=webhooks/delivery.requested note="two words" (Error: Webhook to n8n failed (attempt 2): HTTP 500)',
    );
  });

  it("formats the app's and the engine's real JSON lines, and shows a stack only under an error", async () => {
    const { logger, writes } = await productionLogger();
    logger.warn({ err: failure("HTTP 500") }, "will retry");
    logger.error({ err: failure("undefined is not a function", TypeError) }, "engine request failed");
    const engineLines: string[] = [];
    pino(
      { name: "engine", base: { component: "engine" } },
      { write: (l: string) => engineLines.push(l) },
    ).info({ runId: "01K", transition: "completed" }, "run completed");

    const [warn, error] = writes.map((w) => formatLogLine(w.trimEnd()));
    expect(warn).toMatch(/^\d\d:\d\d:\d\d WARN {2}will retry \(Error: HTTP 500\)$/);
    const [first, ...frames] = error.split("\n");
    expect(first).toMatch(/ERROR engine request failed \(TypeError: undefined is not a function\)$/);
    expect(frames.length).toBeGreaterThan(0);
    for (const f of frames) expect(f).toMatch(/^ {4}at /);
    expect(formatLogLine(engineLines[0].trimEnd())).toMatch(
      /^\d\d:\d\d:\d\d INFO {2}run completed runId=01K transition=completed$/,
    );
  });

  it("cuts a long value short: the line stays readable", () => {
    const html = `<!DOCTYPE html>${"<div></div>".repeat(100)}`;
    const out = formatLogLine(
      JSON.stringify({ level: 40, msg: "app not reachable yet", err: `answered 500: ${html}` }),
    );
    expect(out).toMatch(/^WARN {2}app not reachable yet \(answered 500: <!DOCTYPE html>.*…\)$/);
    expect(out.length).toBeLessThan(300);
  });

  it("reads the demo receiver's hand-written lines (a level's name, no time)", () => {
    const line = JSON.stringify({ level: "info", msg: "webhook received", seq: 3, webhookId: "msg_1" });
    expect(formatLogLine(line)).toBe("INFO  webhook received seq=3 webhookId=msg_1");
  });

  it("passes other output through unchanged", () => {
    for (const line of [
      "   ▲ Next.js 16.4.6",
      " GET /work-items 200 in 45ms",
      "{not json",
      '{"a":1}',
      '{"level":"constructor"}',
      "",
    ]) {
      expect(formatLogLine(line)).toBe(line);
    }
  });
});

describe("the Inngest SDK's logger (inngest/sdk-logger.ts)", () => {
  function capturedSdkLogger() {
    const lines: Record<string, unknown>[] = [];
    const base = pino({ level: "debug" }, { write: (l: string) => lines.push(JSON.parse(l)) });
    return { log: sdkLogger(base).child({ runID: "01J" }), lines };
  }

  it("logs a thrown step at warn with the error's type and message, no stack", () => {
    const { log, lines } = capturedSdkLogger();
    log.error({ err: failure("HTTP 500 Internal Server Error") }, "Inngest step error");
    log.error(
      { err: Object.assign(failure("lease held"), { name: "RetryAfterError" }) },
      "Inngest function error",
    );
    expect(lines).toEqual([
      expect.objectContaining({
        level: 40,
        runID: "01J",
        msg: "Inngest step error",
        err: "Error: HTTP 500 Internal Server Error",
      }),
      expect.objectContaining({
        level: 40,
        msg: "Inngest function error",
        err: "RetryAfterError: lease held",
      }),
    ]);
  });

  it("keeps a bug at error level with its stack", () => {
    const { log, lines } = capturedSdkLogger();
    log.error({ err: failure("x is not a function", TypeError) }, "Inngest step error");
    expect(lines[0]).toMatchObject({ level: 50, err: { type: "TypeError", message: "x is not a function" } });
    expect((lines[0].err as { stack: string }).stack).toMatch(/\n\s+at /);
  });

  it("passes the SDK's other lines through at their own level", () => {
    const { log, lines } = capturedSdkLogger();
    log.error({ err: failure("ECONNREFUSED") }, "Failed to register");
    log.warn("inngest.send() called with no events");
    log.debug("Registered inngest functions");
    expect(lines.map((l) => [l.level, l.msg])).toEqual([
      [50, "Failed to register"],
      [40, "inngest.send() called with no events"],
      [20, "Registered inngest functions"],
    ]);
    expect(lines[0].err).toMatchObject({ type: "Error", message: "ECONNREFUSED" });
  });
});
