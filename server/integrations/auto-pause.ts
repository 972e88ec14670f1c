/**
 * When a failing integration is paused automatically (pure: no I/O, so the rule is unit-tested).
 * The streak is the one recordAttempt moves in the attempt's own statement (`auto_pause_streak`,
 * `auto_pause_streak_since`): failed attempts since the last success or the last resume, whichever is
 * later, so a resumed integration that still fails gets the whole allowance again before the next pause.
 */

export type AutoPauseThresholds = {
  /** Failed attempts in a row; 0 = never on a count. */
  failures: number;
  /** Hours failing without a success; 0 = never on time. */
  hours: number;
};

export type PauseStreak = {
  failures: number;
  since: Date | null;
  /** The last failure as a person reads it ("HTTP 503 Service Unavailable", "ECONNREFUSED: …"). */
  lastError: string | null;
};

export type AutoPauseDecision = { rule: "failures" | "duration"; reason: string };

/** "2026-12-02 14:03 UTC": the same in every reader's e-mail client and log. */
function utc(at: Date): string {
  return `${at.toISOString().slice(0, 16).replace("T", " ")} UTC`;
}

function hoursText(hours: number): string {
  return `${Number.isInteger(hours) ? hours : hours.toFixed(1)} h`;
}

/**
 * The failed attempt that made the streak `streak` pauses the integration when the streak has reached
 * `thresholds.failures`, or has lasted `thresholds.hours` — whichever comes first. Null: keep trying.
 */
export function decideAutoPause(
  streak: PauseStreak,
  thresholds: AutoPauseThresholds,
  now: Date = new Date(),
): AutoPauseDecision | null {
  if (streak.failures <= 0) return null;
  const last = streak.lastError ? `; last: ${streak.lastError}` : "";
  const since = streak.since ? ` since ${utc(streak.since)}` : "";
  if (thresholds.failures > 0 && streak.failures >= thresholds.failures) {
    return {
      rule: "failures",
      reason: `Paused automatically: ${streak.failures} failed attempts in a row${since}${last}`,
    };
  }
  if (
    thresholds.hours > 0 &&
    streak.since &&
    now.getTime() - streak.since.getTime() >= thresholds.hours * 3_600_000
  ) {
    const attempts = `${streak.failures} failed attempt${streak.failures === 1 ? "" : "s"}`;
    return {
      rule: "duration",
      reason: `Paused automatically: failing for more than ${hoursText(thresholds.hours)} (${attempts}, none succeeded${since})${last}`,
    };
  }
  return null;
}
