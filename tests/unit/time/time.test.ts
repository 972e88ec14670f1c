import { afterEach, describe, expect, it } from "vitest";
import {
  DEFAULT_TIME_ZONE,
  DETECTED_ZONE_COOKIE,
  dayRangeInZone,
  detectedZoneCookie,
  formatDate,
  formatDateTime,
  formatIsoInZone,
  formatShortTime,
  isTimeZone,
  offsetLabel,
  parseTimeZone,
  resolveTimeZone,
  type TimeZoneSource,
  timeTitle,
  wallClockInput,
  wallClockToInstant,
  zoneLabel,
  zoneOffsetMinutes,
} from "@/lib/time";

const processZone = process.env.TZ;
afterEach(() => {
  if (processZone === undefined) delete process.env.TZ;
  else process.env.TZ = processZone;
});

/** 05:28 UTC on a winter day: 06:28 in Berlin. */
const WINTER = "2026-12-04T05:28:09.000Z";
const SUMMER = "2026-07-04T05:28:09.000Z";

describe("one instant, one wall clock: the user's zone", () => {
  it("shows the same instant in the given zone, labelled, whatever zone the process runs in", () => {
    for (const processTz of ["UTC", "America/Los_Angeles", "Asia/Tokyo"]) {
      process.env.TZ = processTz;
      expect(formatDateTime(WINTER, "Europe/Berlin")).toBe("4 Dec 2026, 06:28:09 CET");
      expect(formatDateTime(SUMMER, "Europe/Berlin")).toBe("4 Jul 2026, 07:28:09 CEST");
      expect(formatDateTime(WINTER, "UTC")).toBe("4 Dec 2026, 05:28:09 UTC");
    }
    expect(formatDateTime(WINTER, "Europe/Berlin", { seconds: false })).toBe("4 Dec 2026, 06:28 CET");
    expect(formatDateTime(WINTER, "Europe/Berlin", { label: false })).toBe("4 Dec 2026, 06:28:09");
    expect(formatDate("2026-12-03T23:30:00Z", "Europe/Berlin")).toBe("4 Dec 2026");
    expect(formatDate("2026-12-03T23:30:00Z", "UTC")).toBe("3 Dec 2026");
  });

  it("labels a zone by its English abbreviation, else by its offset", () => {
    expect(zoneLabel(WINTER, "Europe/Berlin")).toBe("CET");
    expect(zoneLabel(WINTER, "America/New_York")).toBe("EST");
    expect(zoneLabel(SUMMER, "America/New_York")).toBe("EDT");
    expect(zoneLabel(SUMMER, "Europe/London")).toBe("BST");
    expect(zoneLabel(WINTER, "Europe/London")).toBe("GMT");
    expect(zoneLabel(WINTER, "UTC")).toBe("UTC");
    expect(zoneLabel(WINTER, "Asia/Kolkata")).toBe("UTC+05:30");
    expect(zoneLabel(WINTER, "Pacific/Kiritimati")).toBe("UTC+14:00");
    expect(zoneLabel(WINTER, "America/St_Johns")).toBe("UTC-03:30");
    expect(offsetLabel(WINTER, "Europe/Berlin")).toBe("UTC+01:00");
    expect(zoneOffsetMinutes(SUMMER, "Europe/Berlin")).toBe(120);
  });

  it("gives the full instant with its offset for a title", () => {
    expect(formatIsoInZone(WINTER, "Europe/Berlin")).toBe("2026-12-04T06:28:09+01:00");
    expect(formatIsoInZone(WINTER, "UTC")).toBe("2026-12-04T05:28:09Z");
    expect(timeTitle(WINTER, "Asia/Kolkata")).toBe("2026-12-04T10:58:09+05:30 (Asia/Kolkata)");
  });

  it("shortens a recent time to its clock and an older one to day and clock, both labelled", () => {
    const now = Date.parse(WINTER) + 3_600_000;
    expect(formatShortTime(WINTER, "Europe/Berlin", now)).toBe("06:28:09 CET");
    expect(formatShortTime(WINTER, "Europe/Berlin", now + 30 * 3_600_000)).toBe("4 Dec, 06:28 CET");
  });
});

describe("wall-clock input read in a zone", () => {
  it("turns a typed wall clock into the instant it names there, and back", () => {
    expect(wallClockToInstant("2026-12-04T06:28", "Europe/Berlin")?.toISOString()).toBe(
      "2026-12-04T05:28:00.000Z",
    );
    expect(wallClockToInstant("2026-07-04T07:28:09", "Europe/Berlin")?.toISOString()).toBe(SUMMER);
    expect(wallClockToInstant("2026-12-04", "Asia/Tokyo")?.toISOString()).toBe("2026-12-03T15:00:00.000Z");
    expect(wallClockInput(WINTER, "Europe/Berlin")).toBe("2026-12-04T06:28");
    // The hour skipped in spring reads with the offset before the gap; the repeated one in autumn, the first.
    expect(wallClockToInstant("2026-03-29T02:30", "Europe/Berlin")?.toISOString()).toBe(
      "2026-03-29T01:30:00.000Z",
    );
    expect(wallClockToInstant("2026-10-25T02:30", "Europe/Berlin")?.toISOString()).toBe(
      "2026-10-25T00:30:00.000Z",
    );
  });

  it("refuses what is no wall-clock time", () => {
    for (const junk of ["", "today", "2026-13-01", "2026-02-29", "2026-12-04T24:00", "2026-12-04T06:28Z"]) {
      expect(wallClockToInstant(junk, "Europe/Berlin"), junk).toBeNull();
    }
  });

  it("reads a day filter from midnight to midnight in the zone", () => {
    const berlin = dayRangeInZone("2026-12-04", "2026-12-04", "Europe/Berlin");
    expect(berlin.start?.toISOString()).toBe("2026-12-03T23:00:00.000Z");
    expect(berlin.end?.toISOString()).toBe("2026-12-04T23:00:00.000Z");
    const open = dayRangeInZone(null, "2026-12-31", "UTC");
    expect(open).toEqual({ start: null, end: new Date("2027-01-01T00:00:00.000Z") });
    expect(dayRangeInZone(null, null, "UTC")).toEqual({ start: null, end: null });
  });
});

describe("the zone cookies", () => {
  it("knows the IANA names and UTC, and nothing else", () => {
    expect(isTimeZone("Europe/Berlin")).toBe(true);
    expect(isTimeZone("UTC")).toBe(true);
    expect(isTimeZone("America/Argentina/Buenos_Aires")).toBe(true);
    for (const bad of [
      "",
      "Mars/Olympus",
      "Europe/Berlin; Path=/",
      "../etc/passwd",
      "x".repeat(200),
      42,
      null,
    ]) {
      expect(isTimeZone(bad), String(bad)).toBe(false);
    }
  });

  it("parses a cookie value, encoded or not, and drops a malformed one", () => {
    expect(parseTimeZone("Europe%2FBerlin")).toBe("Europe/Berlin");
    expect(parseTimeZone("Europe/Berlin")).toBe("Europe/Berlin");
    expect(parseTimeZone("%E0%A4%A")).toBeNull();
    expect(parseTimeZone("Nowhere/Land")).toBeNull();
    expect(parseTimeZone(undefined)).toBeNull();
  });

  it("shows the override, else the browser's zone, else UTC; a bad value counts as none", () => {
    const source = (c: Parameters<typeof resolveTimeZone>[0]): [string, TimeZoneSource] => {
      const choice = resolveTimeZone(c);
      return [choice.zone, choice.source];
    };
    expect(source({ detected: "Europe/Berlin", override: "Asia/Tokyo" })).toEqual(["Asia/Tokyo", "override"]);
    expect(source({ detected: "Europe/Berlin", override: "Bogus/Zone" })).toEqual([
      "Europe/Berlin",
      "browser",
    ]);
    expect(source({ detected: "Europe/Berlin" })).toEqual(["Europe/Berlin", "browser"]);
    expect(source({ detected: "<script>" })).toEqual([DEFAULT_TIME_ZONE, "default"]);
    expect(source({})).toEqual(["UTC", "default"]);
    expect(resolveTimeZone({ detected: "Europe%2FBerlin", override: "" })).toEqual({
      zone: "Europe/Berlin",
      source: "browser",
      detected: "Europe/Berlin",
      override: null,
    });
  });

  it("writes the browser's zone as a cookie the server reads back", () => {
    const cookie = detectedZoneCookie("America/Argentina/Buenos_Aires");
    expect(cookie).toMatch(
      new RegExp(`^${DETECTED_ZONE_COOKIE}=America%2FArgentina%2FBuenos_Aires; Path=/;`),
    );
    expect(cookie).toContain("SameSite=Lax");
    const value = cookie.split(";")[0].split("=")[1];
    expect(resolveTimeZone({ detected: value }).zone).toBe("America/Argentina/Buenos_Aires");
  });
});
