"use client";

import { Globe } from "lucide-react";
import { useRouter } from "next/navigation";
import { useId, useRef, useState, useTransition } from "react";
import { toast } from "sonner";
import { Button } from "@/components/ui/button";
import { Field } from "@/components/ui/field";
import { Select } from "@/components/ui/select";
import { type TimeZoneChoice, timeZoneNames, zoneLabel } from "@/lib/time";
import type { ActionResult } from "@/server/auth/guard";

/** The set-zone server action (app/(app)/actions.ts), passed in by the layout; "" = the browser's zone. */
export type SetTimeZoneAction = (input: { zone: string }) => Promise<ActionResult<{ zone: string | null }>>;

const BROWSER = "";

/**
 * The zone times are shown in, in the top bar, and a picker to choose another one (kept in a cookie) or
 * go back to the browser's. The list is built when it opens, in the browser: the server's and the
 * browser's zone lists may differ, and a closed menu need not carry four hundred names.
 */
export function TimeZonePicker({ choice, action }: { choice: TimeZoneChoice; action: SetTimeZoneAction }) {
  const details = useRef<HTMLDetailsElement>(null);
  const [open, setOpen] = useState(false);
  const [zone, setZone] = useState(choice.override ?? BROWSER);
  const [error, setError] = useState<string[] | undefined>();
  const [pending, start] = useTransition();
  const router = useRouter();
  const id = useId();
  const label = zoneLabel(new Date(), choice.zone);
  const close = () => {
    if (details.current) details.current.open = false;
  };
  const save = (value: string) =>
    start(async () => {
      const result = await action({ zone: value });
      if (!result.ok) {
        setError(result.fieldErrors?.zone ?? [result.message]);
        return;
      }
      setError(undefined);
      toast.success(result.message ?? "Saved");
      close();
      router.refresh();
    });
  const names = open ? timeZoneNames() : [];
  if (choice.override && open && !names.includes(choice.override)) names.unshift(choice.override);
  return (
    <details
      ref={details}
      className="relative"
      onToggle={(event) => {
        setOpen(event.currentTarget.open);
        setZone(choice.override ?? BROWSER);
        setError(undefined);
      }}
      onKeyDown={(event) => {
        if (event.key === "Escape") close();
      }}
    >
      <summary
        aria-label={`Time zone: ${choice.zone} (${label})`}
        title={`Times are shown in ${choice.zone}`}
        className="inline-flex cursor-pointer list-none items-center gap-1 rounded-md px-1.5 py-1 text-xs font-medium text-slate-600 hover:bg-slate-100 hover:text-slate-900 focus-visible:outline-2 focus-visible:outline-indigo-600 [&::-webkit-details-marker]:hidden"
      >
        <Globe aria-hidden className="size-4" />
        <span suppressHydrationWarning>{label}</span>
      </summary>
      {/* On a phone the panel spans the top bar (the sticky, blurred header is its containing block). */}
      {open ? (
        <form
          aria-label="Time zone"
          className="z-50 space-y-3 rounded-lg border border-slate-200 bg-white p-4 text-sm shadow-lg max-sm:fixed max-sm:inset-x-4 max-sm:top-14 sm:absolute sm:right-0 sm:mt-2 sm:w-80"
          onSubmit={(event) => {
            event.preventDefault();
            save(zone);
          }}
        >
          <Field
            id={`${id}-zone`}
            label="Show times in"
            hint={
              choice.detected
                ? `Your browser's zone is ${choice.detected}.`
                : "Your browser has not told us its zone yet; times are in UTC."
            }
            errors={error}
          >
            {(control) => (
              <Select {...control} name="zone" value={zone} onChange={(event) => setZone(event.target.value)}>
                <option value={BROWSER}>
                  {choice.detected ? `Browser's zone (${choice.detected})` : "Browser's zone"}
                </option>
                {names.map((name) => (
                  <option key={name} value={name}>
                    {name.replaceAll("_", " ")}
                  </option>
                ))}
              </Select>
            )}
          </Field>
          <div className="flex justify-end gap-2">
            <Button type="button" variant="secondary" size="sm" onClick={close}>
              Cancel
            </Button>
            <Button type="submit" variant="accent" size="sm" disabled={pending}>
              {pending ? "Saving…" : "Save"}
            </Button>
          </div>
        </form>
      ) : null}
    </details>
  );
}
