import { afterEach, describe, expect, it } from "vitest";
import {
  defaultSinceInput,
  describeInput,
  describeRecovery,
  localInputToInstant,
} from "@/components/syncs/recover-time";

const processZone = process.env.TZ;
/** Node re-reads TZ when it is assigned: the zone the code runs in, which must not matter. */
function runIn(zone: string) {
  process.env.TZ = zone;
}
afterEach(() => {
  if (processZone === undefined) delete process.env.TZ;
  else process.env.TZ = processZone;
});

const PREVIEW = {
  integrationId: 7,
  integrationName: "n8n-main",
  since: "2026-12-02T13:00:00.000Z",
  until: "2026-12-03T08:30:00.000Z",
  count: 12,
  integrations: [{ id: 7, name: "n8n-main", count: 12 }],
};

describe("the recover form's times", () => {
  it("sends the typed wall-clock time as an instant with the user's offset, whatever zone the code runs in", () => {
    runIn("America/Los_Angeles");
    expect(localInputToInstant("2026-12-02T14:00", "Asia/Tokyo")).toBe("2026-12-02T14:00:00+09:00");
    expect(localInputToInstant("2026-12-02T14:00", "America/New_York")).toBe("2026-12-02T14:00:00-05:00");
    expect(localInputToInstant("2026-07-02T14:00", "America/New_York")).toBe("2026-07-02T14:00:00-04:00");
    const instant = localInputToInstant("2026-12-02T14:00", "Pacific/Kiritimati")!;
    expect(new Date(instant).toISOString()).toBe("2026-12-02T00:00:00.000Z");
    runIn("Asia/Kolkata");
    expect(localInputToInstant("2026-12-02T14:00", "UTC")).toBe("2026-12-02T14:00:00Z");
  });

  it("refuses what is no time", () => {
    for (const junk of [
      "",
      "yesterday",
      "2026-13-02T14:00",
      "2026-02-30T14:00",
      "2026-12-02 14:00",
      "2026-12-02T14:00Z",
      "2026-12-02",
    ]) {
      expect(localInputToInstant(junk, "Europe/Berlin"), junk).toBeNull();
    }
  });

  it("fills the field 24 hours back on the user's wall clock and echoes what was typed in the page's words", () => {
    runIn("UTC");
    const now = new Date("2026-12-03T13:00:00Z");
    expect(defaultSinceInput("Europe/Ljubljana", now)).toBe("2026-12-02T14:00");
    expect(defaultSinceInput("UTC", now)).toBe("2026-12-02T13:00");
    expect(describeInput("2026-12-02T14:00", "Europe/Berlin")).toBe("2 Dec 2026, 14:00 CET");
    expect(describeInput("2026-07-02T14:00", "Europe/Berlin")).toBe("2 Jul 2026, 14:00 CEST");
    expect(describeInput("nonsense", "Europe/Berlin")).toBeNull();
  });

  it("says what will be recovered: how many, of which integration, since when and in which zone", () => {
    runIn("UTC");
    expect(describeRecovery(PREVIEW, "Europe/Berlin")).toBe(
      "Recover 12 failed syncs of n8n-main created since 2 Dec 14:00 (CET), up to 3 Dec 09:30?",
    );
    expect(describeRecovery({ ...PREVIEW, count: 1 }, "Asia/Kolkata")).toBe(
      "Recover 1 failed sync of n8n-main created since 2 Dec 18:30 (UTC+05:30), up to 3 Dec 14:00?",
    );
    expect(
      describeRecovery(
        {
          ...PREVIEW,
          integrationId: null,
          integrationName: null,
          count: 3,
          integrations: [
            { id: 1, name: "crm", count: 1 },
            { id: 7, name: "n8n-main", count: 2 },
          ],
        },
        "Asia/Kolkata",
      ),
    ).toBe(
      "Recover 3 failed syncs of all integrations (crm: 1, n8n-main: 2) created since 2 Dec 18:30 (UTC+05:30), up to 3 Dec 14:00?",
    );
    expect(describeRecovery({ ...PREVIEW, count: 0, integrations: [] }, "Asia/Kolkata")).toBe(
      "No failed syncs of n8n-main created since 2 Dec 18:30 (UTC+05:30) — nothing to recover.",
    );
  });
});
