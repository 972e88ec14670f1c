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

/** The same choice from a request's Cookie header, for route handlers that read the request itself. */
export function timeZoneChoiceOf(request: Request): TimeZoneChoice {
  const jar = new Map<string, string>();
  for (const pair of (request.headers.get("cookie") ?? "").split(";")) {
    const at = pair.indexOf("=");
    if (at > 0) jar.set(pair.slice(0, at).trim(), pair.slice(at + 1).trim());
  }
  return resolveTimeZone({
    detected: jar.get(DETECTED_ZONE_COOKIE),
    override: jar.get(OVERRIDE_ZONE_COOKIE),
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
