import { describe, expect, it } from "vitest";
import { timeZoneChoiceOf } from "@/server/preferences/time-zone";

const request = (cookie?: string) =>
  new Request("http://app.test/api/syncs/export.csv", cookie ? { headers: { cookie } } : {});

describe("the zone of a route handler's request", () => {
  it("reads both cookies from the Cookie header, the override first", () => {
    expect(timeZoneChoiceOf(request("a=1; fs-tz=Europe%2FBerlin; b=2")).zone).toBe("Europe/Berlin");
    expect(timeZoneChoiceOf(request("fs-tz=Europe%2FBerlin; fs-tz-override=Asia%2FTokyo"))).toMatchObject({
      zone: "Asia/Tokyo",
      source: "override",
      detected: "Europe/Berlin",
    });
  });

  it("falls back to UTC without cookies or with values that are no zone", () => {
    expect(timeZoneChoiceOf(request()).zone).toBe("UTC");
    expect(timeZoneChoiceOf(request("fs-tz=Mars%2FOlympus; fs-tz-override=%ZZ")).source).toBe("default");
  });
});
