"use client";

import { Save } from "lucide-react";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useActionState, useEffect, useId, useRef } from "react";
import { toast } from "sonner";
import { EVENT_TYPE_LABELS } from "@/components/syncs/labels";
import { Alert } from "@/components/ui/alert";
import { Button, buttonVariants } from "@/components/ui/button";
import { Field } from "@/components/ui/field";
import { Input } from "@/components/ui/input";
import { useFocusFirstError } from "@/components/ui/use-focus-first-error";
import { CHANGE_EVENT_TYPES, type ChangeEventType } from "@/db/schema";
import type { ActionResult } from "@/server/auth/guard";
import { SecretReveal } from "./secret-reveal";

const EVENT_HINTS: Record<ChangeEventType, string> = {
  workitem_created: "Once per work item, forever",
  workitem_updated: "Every save that changed something",
  workitem_status_changed: "Every status change (also sends “updated”)",
  task_created: "Once per task, forever",
  task_updated: "Every task save that changed something",
};

type IntegrationFormValues = {
  name: string;
  url: string;
  eventTypes: ChangeEventType[];
  headerName: string;
  /** Whether a header value is stored (it is never sent to the browser). */
  hasHeaderValue: boolean;
};

type CreateData = { id: number; name: string; secret: string };
type Props =
  | {
      mode: "create";
      action: (input: FormData) => Promise<ActionResult<CreateData>>;
      initial?: undefined;
      integrationId?: undefined;
    }
  | {
      mode: "edit";
      action: (input: FormData) => Promise<ActionResult<{ id: number }>>;
      initial: IntegrationFormValues;
      integrationId: number;
    };

type State = ActionResult<CreateData | { id: number }> | null;

/** Create and edit form. After a create, the signing secret is shown here once and nowhere else. */
export function IntegrationForm(props: Props) {
  const { mode } = props;
  const router = useRouter();
  const [state, formAction, pending] = useActionState<State, FormData>(
    (_prev, formData) => (props.action as (input: FormData) => Promise<State>)(formData) as Promise<State>,
    null,
  );
  const id = useId();
  const failed = state && !state.ok ? state : null;
  const formRef = useRef<HTMLFormElement>(null);
  useFocusFirstError(formRef, failed);
  const errors = failed?.fieldErrors;
  const values = failed?.values;

  useEffect(() => {
    if (state?.ok && mode === "edit") {
      toast.success(state.message ?? "Saved");
      router.refresh();
    }
  }, [state, mode, router]);

  if (state?.ok && mode === "create") {
    const data = state.data as CreateData;
    return (
      <div className="space-y-4">
        <Alert variant="success" title={`Integration “${data.name}” created`}>
          Copy its signing secret into the receiver now (in n8n: the Webhook node’s signature check).
        </Alert>
        <SecretReveal secret={data.secret} />
        <div className="flex flex-wrap gap-2">
          <Link href={`/integrations/${data.id}`} className={buttonVariants({ variant: "primary" })}>
            Open {data.name}
          </Link>
          <Link href="/integrations" className={buttonVariants({ variant: "secondary" })}>
            All integrations
          </Link>
        </div>
      </div>
    );
  }

  const initial = props.initial;
  const checked = (type: ChangeEventType) =>
    values
      ? (values.eventTypes ?? "").split(",").includes(type)
      : initial
        ? initial.eventTypes.includes(type)
        : true;

  return (
    <form
      ref={formRef}
      action={formAction}
      noValidate
      className="space-y-5"
      aria-label={mode === "create" ? "New integration" : "Edit integration"}
    >
      {props.integrationId ? <input type="hidden" name="id" value={props.integrationId} /> : null}
      <div aria-live="polite">{failed ? <Alert variant="error">{failed.message}</Alert> : null}</div>
      <div className="grid gap-4 sm:grid-cols-2">
        <Field id={`${id}-name`} label="Name" errors={errors?.name}>
          {(control) => (
            <Input
              {...control}
              name="name"
              defaultValue={values?.name ?? initial?.name ?? ""}
              autoComplete="off"
              required
            />
          )}
        </Field>
        <Field
          id={`${id}-url`}
          label="Webhook URL"
          hint="n8n: the Webhook node’s Production URL (…/webhook/…)."
          errors={errors?.url}
        >
          {(control) => (
            <Input
              {...control}
              name="url"
              type="url"
              inputMode="url"
              defaultValue={values?.url ?? initial?.url ?? ""}
              placeholder="https://n8n.example.com/webhook/…"
              required
            />
          )}
        </Field>
      </div>

      <fieldset className="space-y-2" aria-describedby={`${id}-events-error`}>
        <legend className="text-sm font-medium text-slate-800">Event types</legend>
        <div className="grid gap-2 sm:grid-cols-2">
          {CHANGE_EVENT_TYPES.map((type) => (
            <label
              key={type}
              className="flex cursor-pointer items-start gap-2.5 rounded-lg border border-slate-200 px-3 py-2 hover:bg-slate-50 has-checked:border-indigo-300 has-checked:bg-indigo-50/50"
            >
              <input
                type="checkbox"
                name="eventTypes"
                value={type}
                defaultChecked={checked(type)}
                className="mt-0.5 size-4 accent-indigo-600"
              />
              <span className="text-sm">
                <span className="block font-medium text-slate-900">{EVENT_TYPE_LABELS[type]}</span>
                <span className="block text-xs text-slate-500">{EVENT_HINTS[type]}</span>
              </span>
            </label>
          ))}
        </div>
        <div id={`${id}-events-error`} aria-live="polite" className="text-sm text-red-700 empty:hidden">
          {errors?.eventTypes?.map((e) => (
            <p key={e}>{e}</p>
          ))}
        </div>
      </fieldset>

      <fieldset className="space-y-3 rounded-lg border border-slate-200 p-4">
        <legend className="px-1 text-sm font-medium text-slate-800">Extra header (optional)</legend>
        <p className="text-xs text-slate-500">
          For n8n’s Header Auth: the header name and value the Webhook node expects.
        </p>
        <div className="grid gap-4 sm:grid-cols-2">
          <Field id={`${id}-header-name`} label="Header name" optional errors={errors?.headerName}>
            {(control) => (
              <Input
                {...control}
                name="headerName"
                defaultValue={values?.headerName ?? initial?.headerName ?? ""}
                placeholder="X-Fixed-Service-Key"
                autoComplete="off"
              />
            )}
          </Field>
          <Field
            id={`${id}-header-value`}
            label="Header value"
            optional
            hint={
              mode === "edit" && initial?.hasHeaderValue
                ? "A value is stored and never shown. Leave empty to keep it; a new URL needs it entered again."
                : "Stored as a secret; never shown again."
            }
            errors={errors?.headerValue}
          >
            {(control) => (
              <Input
                {...control}
                name="headerValue"
                type="password"
                autoComplete="new-password"
                placeholder={mode === "edit" && initial?.hasHeaderValue ? "••••••••  (unchanged)" : ""}
              />
            )}
          </Field>
        </div>
      </fieldset>

      <div className="flex flex-wrap gap-2">
        <Button type="submit" disabled={pending}>
          <Save aria-hidden />
          {pending ? "Saving…" : mode === "create" ? "Create integration" : "Save changes"}
        </Button>
        {mode === "create" ? (
          <Link href="/integrations" className={buttonVariants({ variant: "ghost" })}>
            Cancel
          </Link>
        ) : null}
      </div>
    </form>
  );
}
