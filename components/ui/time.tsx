"use client";

import { createContext, useContext } from "react";
import {
  DEFAULT_TIME_ZONE,
  formatAgo,
  formatDate,
  formatDateTime,
  formatShortTime,
  timeTitle,
} from "@/lib/time";

const TimeZoneContext = createContext<string>(DEFAULT_TIME_ZONE);

/** The zone every <Time> and useTimeZone() below it uses; the layout passes the one the server chose. */
export function TimeZoneProvider({ zone, children }: { zone: string; children: React.ReactNode }) {
  return <TimeZoneContext value={zone}>{children}</TimeZoneContext>;
}

/** The user's zone, the same on the server's render and in the browser (never the browser's own). */
export function useTimeZone(): string {
  return useContext(TimeZoneContext);
}

type TimeFormat = "datetime" | "datetime-minutes" | "date" | "short" | "ago";

/**
 * An instant in the user's zone, labelled ("4 Dec 2026, 06:28:05 CET"), with the full ISO time with its
 * offset as the title. `short` and `ago` depend on now, so those two may differ by a render.
 */
export function Time({
  value,
  format = "datetime",
  now,
  className,
}: {
  value: string | Date;
  format?: TimeFormat;
  /** For `short` and `ago`: the instant it is measured from (the server's, passed down, keeps hydration equal). */
  now?: number;
  className?: string;
}) {
  const zone = useTimeZone();
  const iso = typeof value === "string" ? value : value.toISOString();
  const text =
    format === "date"
      ? formatDate(iso, zone)
      : format === "ago"
        ? formatAgo(iso, now)
        : format === "short"
          ? formatShortTime(iso, zone, now)
          : formatDateTime(iso, zone, { seconds: format === "datetime" });
  return (
    <time
      dateTime={iso}
      title={timeTitle(iso, zone)}
      className={className}
      suppressHydrationWarning={format === "short" || format === "ago"}
    >
      {text}
    </time>
  );
}
