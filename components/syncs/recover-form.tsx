"use client";

import { format, subHours } from "date-fns";
import { LifeBuoy } from "lucide-react";
import { useActionState, useEffect, useId } from "react";
import { toast } from "sonner";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Field } from "@/components/ui/field";
import { Input } from "@/components/ui/input";
import { Select } from "@/components/ui/select";
import type { ActionResult } from "@/server/auth/guard";

type Result = ActionResult<{ requested: number }> | null;

/** Re-delivers every failed delivery of one integration since a chosen time (manager). */
export function RecoverForm({
  action: recover,
  integrations,
}: {
  /** The recover server action (app/(app)/syncs/actions.ts), passed in by the page. */
  action: (formData: FormData) => Promise<ActionResult<{ requested: number }>>;
  integrations: { id: number; name: string }[];
}) {
  const [state, action, pending] = useActionState<Result, FormData>(
    (_previous, formData) => recover(formData),
    null,
  );
  const id = useId();
  useEffect(() => {
    if (state?.ok) toast.success(state.message ?? "Recovery requested");
  }, [state]);
  const defaultSince = format(subHours(new Date(), 24), "yyyy-MM-dd'T'HH:mm");
  const errors = state && !state.ok ? state.fieldErrors : undefined;
  return (
    <form action={action} aria-label="Recover failed syncs" className="@container space-y-3">
      <div className="grid gap-3 @xl:grid-cols-[minmax(0,1fr)_minmax(0,1fr)_auto] @xl:items-start">
        <Field id={`${id}-integration`} label="Integration" errors={errors?.integrationId}>
          {(control) => (
            <Select {...control} name="integrationId" defaultValue={integrations[0]?.id ?? ""} required>
              {integrations.map((i) => (
                <option key={i.id} value={i.id}>
                  {i.name}
                </option>
              ))}
            </Select>
          )}
        </Field>
        <Field id={`${id}-since`} label="Failed since" errors={errors?.since}>
          {(control) => (
            <Input
              {...control}
              name="since"
              type="datetime-local"
              defaultValue={defaultSince}
              suppressHydrationWarning
              required
            />
          )}
        </Field>
        <Button
          type="submit"
          variant="accent"
          disabled={pending || integrations.length === 0}
          className="@xl:mt-6"
        >
          <LifeBuoy aria-hidden />
          {pending ? "Recovering…" : "Recover failed"}
        </Button>
      </div>
      <div aria-live="polite">
        {state ? (
          <Alert variant={state.ok ? (state.data.requested ? "success" : "info") : "error"}>
            {state.message}
          </Alert>
        ) : null}
      </div>
    </form>
  );
}
