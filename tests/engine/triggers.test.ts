import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { compile } from "../../engine/cel";
import { parseCron } from "../../engine/cron";
import {
  devClient,
  runsForEvent,
  sendOne,
  serveApp,
  startTestEngine,
  syncApp,
  type TestApp,
  type TestEngine,
  uniqueId,
  waitForFinishedRuns,
} from "./helpers";

describe("trigger matching", () => {
  let engine: TestEngine;
  let app: TestApp;
  const ns = uniqueId("trg");

  beforeAll(async () => {
    engine = await startTestEngine();
    const client = devClient(engine.url);
    app = await serveApp(client, [
      client.createFunction(
        { id: "exact", triggers: [{ event: `${ns}/order.created` }] },
        async () => "exact",
      ),
      client.createFunction(
        { id: "wildcard", triggers: [{ event: `${ns}/*` }] },
        async ({ event }) => `wild:${event.name}`,
      ),
      client.createFunction(
        {
          id: "expression",
          triggers: [
            { event: `${ns}/order.created`, if: "event.data.total >= 100 && event.data.currency == 'EUR'" },
          ],
        },
        async () => "big",
      ),
      client.createFunction(
        { id: "cron", triggers: [{ cron: "TZ=Europe/Paris 0 9 * * 1-5" }] },
        async () => "cron",
      ),
    ]);
    await syncApp(app);
  });

  afterAll(async () => {
    await app?.close();
    await engine?.close();
  });

  it("matches exact names, wildcards and `if` expressions", async () => {
    const big = await sendOne(engine.url, `${ns}/order.created`, { total: 150, currency: "EUR" });
    const small = await sendOne(engine.url, `${ns}/order.created`, { total: 5, currency: "EUR" });
    const other = await sendOne(engine.url, `${ns}/order.paid`, {});
    const bigRuns = await waitForFinishedRuns(engine.url, big, 3);
    expect(bigRuns.map((r) => r.output).sort()).toEqual(["big", "exact", `wild:${ns}/order.created`]);
    const smallRuns = await waitForFinishedRuns(engine.url, small, 2);
    expect(smallRuns.map((r) => r.output).sort()).toEqual(["exact", `wild:${ns}/order.created`]);
    const otherRuns = await waitForFinishedRuns(engine.url, other, 1);
    expect(otherRuns.map((r) => r.output)).toEqual([`wild:${ns}/order.paid`]);
    expect(await runsForEvent(engine.url, small)).toHaveLength(2);
  });
});

describe("cron parser", () => {
  it("handles */n, ranges and lists in UTC", () => {
    const at = Date.UTC(2026, 0, 5, 10, 7); // Monday 10:07 UTC
    expect(new Date(parseCron("*/15 * * * *").next(at)).toISOString()).toBe("2026-01-05T10:15:00.000Z");
    expect(new Date(parseCron("0 9-17/4 * * *").next(at)).toISOString()).toBe("2026-01-05T13:00:00.000Z");
    expect(new Date(parseCron("30 8 1,15 * *").next(at)).toISOString()).toBe("2026-01-15T08:30:00.000Z");
    expect(new Date(parseCron("0 0 * * SUN").next(at)).toISOString()).toBe("2026-01-11T00:00:00.000Z");
  });

  it("honours a TZ= prefix, including daylight saving time", () => {
    const winter = Date.UTC(2026, 0, 5, 0, 0);
    expect(new Date(parseCron("TZ=Europe/Paris 0 9 * * 1-5").next(winter)).toISOString()).toBe(
      "2026-01-05T08:00:00.000Z",
    );
    const summer = Date.UTC(2026, 6, 6, 0, 0);
    expect(new Date(parseCron("TZ=Europe/Paris 0 9 * * 1-5").next(summer)).toISOString()).toBe(
      "2026-07-06T07:00:00.000Z",
    );
    expect(new Date(parseCron("TZ=Asia/Kolkata 30 9 * * *").next(winter)).toISOString()).toBe(
      "2026-01-05T04:00:00.000Z",
    );
  });

  it("rejects malformed expressions loudly", () => {
    expect(() => parseCron("* * * *")).toThrow(/5 fields/);
    expect(() => parseCron("61 * * * *")).toThrow(/range/);
    expect(() => parseCron("TZ=Mars/Base * * * * *")).toThrow(/time zone/);
  });
});

describe("CEL subset", () => {
  const scope = {
    event: { data: { n: 5, s: "x", ok: true, nested: { v: null } } },
    async: { data: { n: 5 } },
  };
  it.each([
    ["event.data.n == async.data.n", true],
    ["event.data.n != 5", false],
    ["event.data.n > 4 && event.data.n <= 5", true],
    ["!(event.data.s == 'y') || false", true],
    ['event.data.s == "x" && event.data.ok', true],
    ["event.data.nested.v == null", true],
    ["event.data.missing.deep == 1", false],
    ["event.data.n + 1 >= 6", true],
  ])("%s → %s", (expr, expected) => {
    expect(compile(expr).test(scope)).toBe(expected);
  });

  it("fails loudly on unsupported syntax", () => {
    expect(() => compile("size(event.data.list) > 1")).toThrow(/not supported/);
    expect(() => compile("event.data.n in [1, 2]")).toThrow(/CEL/);
  });
});
