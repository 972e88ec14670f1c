import { SYNC_STATUS_LABELS } from "@/components/syncs/labels";
import type { SyncStatus } from "@/db/schema";
import { formatClock, zoneLabel } from "@/lib/time";
import { cn } from "@/lib/utils";
import type { HourBucket } from "@/server/syncs/dashboard";
import { SYNC_STATUS_FILLS } from "../syncs/sync-status-badge";

/** Bottom to top. */
const STACK: SyncStatus[] = ["synced", "failed", "pending"];

const H = 220;
const PAD = { top: 12, right: 8, bottom: 26, left: 36 };

/**
 * The drawing's own width. The SVG scales to its box, text with it: a phone's ~330 px would shrink a
 * 720-wide drawing's 11 px labels to 5 px, so below `sm` a narrower drawing with every sixth hour
 * labelled keeps them readable.
 */
const LAYOUTS = [
  { width: 720, labelEvery: 3, className: "hidden sm:block" },
  { width: 360, labelEvery: 6, className: "sm:hidden" },
] as const;

function niceMax(max: number): number {
  if (max <= 4) return 4;
  const magnitude = 10 ** Math.floor(Math.log10(max));
  const step = [1, 2, 2.5, 5, 10].map((s) => s * magnitude).find((s) => max / s <= 4) ?? 10 * magnitude;
  return Math.ceil(max / step) * step;
}

/**
 * Deliveries per hour over the last 24 hours, stacked by status, as inline SVG (no chart library).
 * The numbers are also in a visually hidden table for screen readers.
 */
export function DeliveriesChart({ hours, zone }: { hours: HourBucket[]; zone: string }) {
  const totals = hours.map((h) => STACK.reduce((n, s) => n + h[s], 0));
  const max = niceMax(Math.max(0, ...totals));
  const plotH = H - PAD.top - PAD.bottom;
  const y = (v: number) => PAD.top + plotH - (v / max) * plotH;
  const ticks = [0, 0.25, 0.5, 0.75, 1].map((f) => Math.round(max * f));
  const sum = totals.reduce((a, b) => a + b, 0);

  return (
    <figure className="relative space-y-3">
      {LAYOUTS.map((layout) => {
        const W = layout.width;
        const plotW = W - PAD.left - PAD.right;
        const slot = plotW / Math.max(1, hours.length);
        const barW = Math.max(2, slot * 0.7);
        return (
          <svg
            key={layout.width}
            viewBox={`0 0 ${W} ${H}`}
            className={cn("h-auto w-full", layout.className)}
            role="img"
            aria-label={`Syncs per hour over the last 24 hours: ${sum} in total`}
          >
            {ticks.map((t) => (
              <g key={t}>
                <line
                  x1={PAD.left}
                  x2={W - PAD.right}
                  y1={y(t)}
                  y2={y(t)}
                  className="stroke-slate-200"
                  strokeWidth={1}
                />
                <text
                  x={PAD.left - 6}
                  y={y(t) + 4}
                  textAnchor="end"
                  className="fill-slate-500 text-[11px] tabular-nums"
                >
                  {t}
                </text>
              </g>
            ))}
            {hours.map((h, i) => {
              const x = PAD.left + i * slot + (slot - barW) / 2;
              let base = 0;
              return (
                <g key={h.hour}>
                  <title>
                    {`${formatClock(h.hour, zone)} ${zoneLabel(h.hour, zone)}: ${
                      STACK.filter((s) => h[s])
                        .map((s) => `${h[s]} ${SYNC_STATUS_LABELS[s].toLowerCase()}`)
                        .join(", ") || "none"
                    }`}
                  </title>
                  <rect
                    x={PAD.left + i * slot}
                    y={PAD.top}
                    width={slot}
                    height={plotH}
                    className="fill-transparent"
                  />
                  {STACK.map((s) => {
                    if (!h[s]) return null;
                    const top = y(base + h[s]);
                    const height = y(base) - top;
                    base += h[s];
                    return (
                      <rect
                        key={s}
                        x={x}
                        y={top}
                        width={barW}
                        height={Math.max(1, height)}
                        rx={1.5}
                        className={SYNC_STATUS_FILLS[s]}
                      />
                    );
                  })}
                  {i % layout.labelEvery === 0 ? (
                    <text
                      x={x + barW / 2}
                      y={H - 8}
                      textAnchor="middle"
                      className="fill-slate-500 text-[11px] tabular-nums"
                    >
                      {formatClock(h.hour, zone)}
                    </text>
                  ) : null}
                </g>
              );
            })}
          </svg>
        );
      })}
      <figcaption className="flex flex-wrap gap-x-4 gap-y-1 text-xs text-slate-600">
        {STACK.map((s) => (
          <span key={s} className="inline-flex items-center gap-1.5">
            <svg aria-hidden="true" className="size-2.5" viewBox="0 0 10 10">
              <rect width="10" height="10" rx="2" className={SYNC_STATUS_FILLS[s]} />
            </svg>
            {SYNC_STATUS_LABELS[s]}
          </span>
        ))}
      </figcaption>
      {/* Tables ignore width, height and overflow, so sr-only on the table itself would leave it its full
          height below the chart (a long blank scroll); a block clips it. */}
      <div className="sr-only">
        <table>
          <caption>Syncs per hour by status</caption>
          <thead>
            <tr>
              <th scope="col">Hour ({zoneLabel(hours.at(-1)?.hour ?? new Date(), zone)})</th>
              {STACK.map((s) => (
                <th key={s} scope="col">
                  {SYNC_STATUS_LABELS[s]}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {hours.map((h) => (
              <tr key={h.hour}>
                <th scope="row">{formatClock(h.hour, zone)}</th>
                {STACK.map((s) => (
                  <td key={s}>{h[s]}</td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </figure>
  );
}
