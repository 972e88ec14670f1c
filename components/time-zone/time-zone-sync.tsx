"use client";

import { useRouter } from "next/navigation";
import { useEffect } from "react";
import { detectedZoneCookie, runtimeTimeZone } from "@/lib/time";

/**
 * Tells the server the browser's zone (a cookie it reads on every request). When it differs from the
 * one the server last saw (the first visit, a trip, a changed system setting), the cookie is written
 * and, where the page shows times in it, the page is rendered again.
 */
export function TimeZoneSync({
  detected,
  refresh = true,
}: {
  /** The browser's zone as the server read it from the cookie (null: none yet). */
  detected: string | null;
  /** Render again after writing (off on the sign-in page, which shows no times). */
  refresh?: boolean;
}) {
  const router = useRouter();
  useEffect(() => {
    const zone = runtimeTimeZone();
    if (zone === detected) return;
    // biome-ignore lint/suspicious/noDocumentCookie: one plain cookie; the Cookie Store API is not in every browser
    document.cookie = detectedZoneCookie(zone);
    if (refresh) router.refresh();
  }, [detected, refresh, router]);
  return null;
}
