import { describe, expect, it } from "vitest";
import { decideAutoPause } from "@/server/integrations/auto-pause";

const NOW = new Date("2026-12-02T15:00:00.000Z");
const hoursAgo = (h: number) => new Date(NOW.getTime() - h * 3_600_000);
const DEFAULTS = { failures: 50, hours: 24 };

describe("decideAutoPause", () => {
  it("keeps trying below both thresholds", () => {
    expect(
      decideAutoPause({ failures: 49, since: hoursAgo(23.9), lastError: "HTTP 503" }, DEFAULTS, NOW),
    ).toBeNull();
  });

  it("pauses at the count, saying how many, since when and the last error", () => {
    expect(
      decideAutoPause(
        { failures: 50, since: hoursAgo(2), lastError: "HTTP 503 Service Unavailable" },
        DEFAULTS,
        NOW,
      ),
    ).toEqual({
      rule: "failures",
      reason:
        "Paused automatically: 50 failed attempts in a row since 2026-12-02 13:00 UTC; last: HTTP 503 Service Unavailable",
    });
  });

  it("pauses past the count too (a streak that grew while the pause raced)", () => {
    expect(decideAutoPause({ failures: 51, since: hoursAgo(1), lastError: null }, DEFAULTS, NOW)?.rule).toBe(
      "failures",
    );
  });

  it("pauses on time before the count: failing for the hours without a success", () => {
    expect(
      decideAutoPause({ failures: 21, since: hoursAgo(24), lastError: "ECONNREFUSED" }, DEFAULTS, NOW),
    ).toEqual({
      rule: "duration",
      reason:
        "Paused automatically: failing for more than 24 h (21 failed attempts, none succeeded since 2026-12-01 15:00 UTC); last: ECONNREFUSED",
    });
  });

  it("0 turns each threshold off", () => {
    const streak = { failures: 500, since: hoursAgo(100), lastError: null };
    expect(decideAutoPause(streak, { failures: 0, hours: 24 }, NOW)?.rule).toBe("duration");
    expect(decideAutoPause(streak, { failures: 50, hours: 0 }, NOW)?.rule).toBe("failures");
    expect(decideAutoPause(streak, { failures: 0, hours: 0 }, NOW)).toBeNull();
  });

  it("never pauses without a failure (a success cleared the streak)", () => {
    expect(
      decideAutoPause({ failures: 0, since: null, lastError: null }, { failures: 1, hours: 0.001 }, NOW),
    ).toBeNull();
  });

  it("a fractional hour threshold reads as such", () => {
    const decision = decideAutoPause(
      { failures: 1, since: hoursAgo(1), lastError: null },
      { failures: 0, hours: 0.5 },
      NOW,
    );
    expect(decision?.reason).toMatch(/failing for more than 0\.5 h \(1 failed attempt, none succeeded/);
  });
});
