import { afterEach, describe, expect, it } from "vitest";
import {
  describeRecovery,
  localInputToInstant,
  localInputValue,
  offsetLabel,
} from "@/components/syncs/recover-time";

const serverZone = process.env.TZ;
/** Node re-reads TZ when it is assigned: the browser's zone, as the form's code sees it. */
function inZone(zone: string) {
  process.env.TZ = zone;
}
afterEach(() => {
  if (serverZone === undefined) delete process.env.TZ;
  else process.env.TZ = serverZone;
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
  it("sends the typed wall-clock time as an instant with the browser's offset", () => {
    inZone("Asia/Tokyo");
    expect(localInputToInstant("2026-12-02T14:00")).toBe("2026-12-02T14:00:00+09:00");
    inZone("America/New_York");
    expect(localInputToInstant("2026-12-02T14:00")).toBe("2026-12-02T14:00:00-05:00");
    expect(localInputToInstant("2026-07-02T14:00")).toBe("2026-07-02T14:00:00-04:00");
    inZone("Pacific/Kiritimati");
    const instant = localInputToInstant("2026-12-02T14:00")!;
    expect(new Date(instant).toISOString()).toBe("2026-12-02T00:00:00.000Z");
    inZone("UTC");
    expect(localInputToInstant("2026-12-02T14:00")).toBe("2026-12-02T14:00:00Z");
  });

  it("refuses what is no time", () => {
    for (const junk of ["", "yesterday", "2026-13-02T14:00", "2026-12-02 14:00", "2026-12-02T14:00Z"]) {
      expect(localInputToInstant(junk), junk).toBeNull();
    }
  });

  it("fills the field and labels the offset in the browser's zone", () => {
    inZone("Europe/Ljubljana");
    const instant = new Date("2026-12-02T13:00:00Z");
    expect(localInputValue(instant)).toBe("2026-12-02T14:00");
    expect(offsetLabel(instant)).toBe("UTC+01:00");
    expect(offsetLabel(new Date("2026-07-02T13:00:00Z"))).toBe("UTC+02:00");
  });

  it("says what will be recovered: how many, of which integration, since when and in which offset", () => {
    inZone("Europe/Berlin");
    expect(describeRecovery(PREVIEW)).toBe(
      "Recover 12 failed syncs of n8n-main created since 2 Dec 14:00 (UTC+01:00), up to 3 Dec 09:30?",
    );
    inZone("Asia/Kolkata");
    expect(describeRecovery({ ...PREVIEW, count: 1 })).toBe(
      "Recover 1 failed sync of n8n-main created since 2 Dec 18:30 (UTC+05:30), up to 3 Dec 14:00?",
    );
    expect(
      describeRecovery({
        ...PREVIEW,
        integrationId: null,
        integrationName: null,
        count: 3,
        integrations: [
          { id: 1, name: "crm", count: 1 },
          { id: 7, name: "n8n-main", count: 2 },
        ],
      }),
    ).toBe(
      "Recover 3 failed syncs of all integrations (crm: 1, n8n-main: 2) created since 2 Dec 18:30 (UTC+05:30), up to 3 Dec 14:00?",
    );
    expect(describeRecovery({ ...PREVIEW, count: 0, integrations: [] })).toBe(
      "No failed syncs of n8n-main created since 2 Dec 18:30 (UTC+05:30) — nothing to recover.",
    );
  });
});
