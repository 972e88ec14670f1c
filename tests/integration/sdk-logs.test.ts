import { format } from "node:util";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { CHANGE_EVENT_TYPES } from "@/db/schema";
import { createWorkItem } from "@/server/work-items/work-items";
import { DRIVERS } from "../support/db";
import { type Pipeline, startPipeline } from "../support/pipeline";
import { startReceiver, type TestReceiver } from "../support/receiver";
import { ACTOR, ITEM } from "../support/work-item-fixture";

// The app's logger is built on first import and is silent under NODE_ENV=test: these tests read its lines.
const savedLogLevel = vi.hoisted(() => {
  const saved = process.env.LOG_LEVEL;
  process.env.LOG_LEVEL = "info";
  return saved;
});

/** Everything the process prints from now on until `restore()`: stdout, and stderr with the console. */
function captureOutput() {
  const captured = { stdout: "", other: "" };
  const writer =
    (to: "stdout" | "other") =>
    (chunk: string | Uint8Array, ...rest: unknown[]): boolean => {
      captured[to] += typeof chunk === "string" ? chunk : Buffer.from(chunk).toString("utf8");
      const callback = rest.find((r) => typeof r === "function") as (() => void) | undefined;
      callback?.();
      return true;
    };
  const spies = [
    vi.spyOn(process.stdout, "write").mockImplementation(writer("stdout")),
    vi.spyOn(process.stderr, "write").mockImplementation(writer("other")),
    ...(["log", "info", "warn", "error", "debug"] as const).map((method) =>
      vi.spyOn(console, method).mockImplementation((...args: unknown[]) => {
        captured.other += `${format(...args)}\n`;
      }),
    ),
  ];
  return Object.assign(captured, {
    restore: () => {
      for (const spy of spies) spy.mockRestore();
    },
  });
}

describe.each(DRIVERS)("the Inngest SDK's log lines on %s", (driver) => {
  let p: Pipeline;
  let receiver: TestReceiver;

  beforeAll(async () => {
    p = await startPipeline(driver);
    receiver = await startReceiver();
  });
  afterAll(async () => {
    await receiver?.close();
    await p?.close();
    if (savedLogLevel === undefined) delete process.env.LOG_LEVEL;
    else process.env.LOG_LEVEL = savedLogLevel;
  });

  it("a retried delivery (500, 500, 200) logs one JSON line per event, at warn, with no stack trace", async () => {
    const ops = await import("@/server/integrations/operations");
    const { dispatchChangeEvents } = await import("@/server/deliveries/outbox");
    receiver.respondWith([500, 500, 200]);

    const output = captureOutput();
    try {
      const created = await ops.createIntegration(
        {
          name: `logs-${driver}`,
          url: receiver.urlFor("/hook"),
          eventTypes: [...CHANGE_EVENT_TYPES],
          headerName: null,
          headerValue: null,
        },
        p.db.db,
      );
      if (!created.ok) throw new Error(created.message);
      const item = await createWorkItem(p.db.db, ITEM, ACTOR);
      if (!item.ok) throw new Error(item.reason);
      await dispatchChangeEvents(item.events, p.db.db);
      await receiver.waitForRequests(3, { timeoutMs: 20_000 });
      await vi.waitFor(() => expect(output.stdout).toMatch(/Successfully synced/), { timeout: 10_000 });
    } finally {
      output.restore();
    }
    const { stdout, other } = output;

    expect(other).toBe("");
    const lines = stdout.split("\n").filter(Boolean);
    const entries = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    const stepErrors = entries.filter((e) => String(e.msg).startsWith("Inngest step error"));
    expect(stepErrors.length).toBeGreaterThan(0);
    for (const e of stepErrors) {
      expect(e.level).toBe(40);
      expect(e.msg).toMatch(/^Inngest step error; retrying: Webhook to .* failed \(attempt \d\): HTTP 500/);
      expect(e).not.toHaveProperty("err");
    }
    expect(entries.filter((e) => /failed \(attempt \d\).*will retry/.test(String(e.msg)))).toHaveLength(2);
    expect(stdout).not.toMatch(/^\s+at /m);
    expect(entries.filter((e) => (e.level as number) >= 50)).toEqual([]);
  });
});
