"use client";

import { LifeBuoy } from "lucide-react";
import { useActionState, useEffect, useId, useState, useTransition } from "react";
import { toast } from "sonner";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Field } from "@/components/ui/field";
import { Input } from "@/components/ui/input";
import { Select } from "@/components/ui/select";
import { useTimeZone } from "@/components/ui/time";
import { zoneLabel } from "@/lib/time";
import type { ActionResult } from "@/server/auth/guard";
import type { RecoveryPreview } from "@/server/deliveries/recovery";
import { defaultSinceInput, describeInput, describeRecovery, localInputToInstant } from "./recover-time";

type RecoverInput = { integrationId: string; since: string; until?: string };
type RecoverAction = (input: RecoverInput) => Promise<ActionResult<RecoveryPreview>>;

type State =
  | { step: "edit"; result: ActionResult<RecoveryPreview> | null }
  | { step: "confirm"; preview: RecoveryPreview };

type Intent =
  | { kind: "preview"; integrationId: string; sinceInput: string }
  | { kind: "confirm" }
  | { kind: "cancel" };

const ALL = "all";

/**
 * Re-delivers the failed syncs of one integration (or all) since a chosen time (manager), in two steps:
 * a preview that says what will be recovered (how many, of which integration, which range, in the
 * user's time zone: lib/time.ts), then the confirm. The typed values stay through either answer.
 */
export function RecoverForm({
  preview,
  recover,
  integrations,
  offerAll = false,
}: {
  /** The preview and recover server actions (app/(app)/syncs/actions.ts), passed in by the page. */
  preview: RecoverAction;
  recover: RecoverAction;
  integrations: { id: number; name: string }[];
  /** Offer "All integrations" (the syncs page; an integration's own page recovers only that one). */
  offerAll?: boolean;
}) {
  const zone = useTimeZone();
  const [state, dispatch, pending] = useActionState<State, Intent>(
    async (previous, intent) => {
      if (intent.kind === "cancel") return { step: "edit", result: null };
      if (intent.kind === "confirm") {
        if (previous.step !== "confirm") return previous;
        const { integrationId, since, until } = previous.preview;
        return {
          step: "edit",
          result: await recover({
            integrationId: integrationId === null ? ALL : String(integrationId),
            since,
            until,
          }),
        };
      }
      const since = localInputToInstant(intent.sinceInput, zone);
      if (!since) {
        return {
          step: "edit",
          result: {
            ok: false,
            message: "Please fix the highlighted fields.",
            fieldErrors: { since: ["Choose a valid start time"] },
          },
        };
      }
      const result = await preview({ integrationId: intent.integrationId, since });
      if (!result.ok) return { step: "edit", result };
      if (result.data.count === 0)
        return { step: "edit", result: { ...result, message: describeRecovery(result.data, zone) } };
      return { step: "confirm", preview: result.data };
    },
    { step: "edit", result: null },
  );
  const [, startTransition] = useTransition();
  const send = (intent: Intent) => startTransition(() => dispatch(intent));
  const id = useId();
  const [integrationId, setIntegrationId] = useState(() =>
    offerAll && integrations.length > 1 ? ALL : String(integrations[0]?.id ?? ""),
  );
  // "24 hours ago" from the mount, in the user's zone (it follows a zone change until the user types):
  // the server's render and the browser's would differ by the time between them.
  const [mountedAt, setMountedAt] = useState<Date | null>(null);
  useEffect(() => setMountedAt(new Date()), []);
  const [typedInput, setSinceInput] = useState<string | null>(null);
  const sinceInput = typedInput ?? (mountedAt ? defaultSinceInput(zone, mountedAt) : "");
  const typed = describeInput(sinceInput, zone);
  const result = state.step === "edit" ? state.result : null;
  useEffect(() => {
    if (result?.ok && result.data.count > 0 && result.message) toast.success(result.message);
  }, [result]);
  const errors = result && !result.ok ? result.fieldErrors : undefined;
  const confirming = state.step === "confirm";
  return (
    <form
      aria-label="Recover failed syncs"
      className="@container space-y-3"
      onSubmit={(event) => {
        event.preventDefault();
        send(confirming ? { kind: "confirm" } : { kind: "preview", integrationId, sinceInput });
      }}
    >
      <div className="grid gap-3 @xl:grid-cols-[minmax(0,1fr)_minmax(0,1fr)_auto] @xl:items-start">
        <Field id={`${id}-integration`} label="Integration" errors={errors?.integrationId}>
          {(control) => (
            <Select
              {...control}
              name="integrationId"
              value={integrationId}
              onChange={(event) => {
                setIntegrationId(event.target.value);
                if (confirming) send({ kind: "cancel" });
              }}
              required
            >
              {offerAll && integrations.length > 1 ? <option value={ALL}>All integrations</option> : null}
              {integrations.map((i) => (
                <option key={i.id} value={i.id}>
                  {i.name}
                </option>
              ))}
            </Select>
          )}
        </Field>
        <Field
          id={`${id}-since`}
          label="Failed since"
          hint={typed ? `${typed} (${zone})` : `In ${zone} (${zoneLabel(new Date(), zone)})`}
          errors={errors?.since}
        >
          {(control) => (
            <Input
              {...control}
              name="since"
              type="datetime-local"
              value={sinceInput}
              onChange={(event) => {
                setSinceInput(event.target.value);
                if (confirming) send({ kind: "cancel" });
              }}
              required
            />
          )}
        </Field>
        {confirming ? null : (
          <Button
            type="submit"
            variant="accent"
            disabled={pending || integrations.length === 0}
            className="@xl:mt-6"
          >
            <LifeBuoy aria-hidden />
            {pending ? "Counting…" : "Preview recovery"}
          </Button>
        )}
      </div>
      <div aria-live="polite" className="space-y-3">
        {state.step === "confirm" ? (
          <Alert variant="warning" title={describeRecovery(state.preview, zone)}>
            <p>They are sent again one at a time, in the order the changes were made, each once.</p>
            <div className="mt-3 flex flex-wrap gap-2">
              <Button type="submit" variant="accent" disabled={pending}>
                <LifeBuoy aria-hidden />
                {pending ? "Recovering…" : "Confirm recovery"}
              </Button>
              <Button
                type="button"
                variant="secondary"
                disabled={pending}
                onClick={() => send({ kind: "cancel" })}
              >
                Cancel
              </Button>
            </div>
          </Alert>
        ) : result ? (
          <Alert variant={result.ok ? (result.data.count ? "success" : "info") : "error"}>
            {result.message}
          </Alert>
        ) : null}
      </div>
    </form>
  );
}
