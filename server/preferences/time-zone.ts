import "server-only";
import { cookies } from "next/headers";
import {
  DETECTED_ZONE_COOKIE,
  OVERRIDE_ZONE_COOKIE,
  resolveTimeZone,
  type TimeZoneChoice,
  ZONE_COOKIE_MAX_AGE,
} from "@/lib/time";

/** The zone this request's times are shown in (lib/time.ts resolveTimeZone over the two cookies). */
export async function getTimeZoneChoice(): Promise<TimeZoneChoice> {
  const jar = await cookies();
  return resolveTimeZone({
    detected: jar.get(DETECTED_ZONE_COOKIE)?.value,
    override: jar.get(OVERRIDE_ZONE_COOKIE)?.value,
  });
}

/** Stores the user's chosen zone (already validated), or forgets it (null: the browser's zone again). */
export async function setZoneOverride(zone: string | null): Promise<void> {
  const jar = await cookies();
  if (zone === null) {
    jar.delete(OVERRIDE_ZONE_COOKIE);
    return;
  }
  jar.set(OVERRIDE_ZONE_COOKIE, zone, {
    path: "/",
    maxAge: ZONE_COOKIE_MAX_AGE,
    sameSite: "lax",
    httpOnly: true,
  });
}
