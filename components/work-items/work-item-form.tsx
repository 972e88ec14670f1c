"use client";

import { LoaderCircle } from "lucide-react";
import { useActionState, useEffect, useId, useRef, useState } from "react";
import { toast } from "sonner";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Field } from "@/components/ui/field";
import { Input } from "@/components/ui/input";
import { Select } from "@/components/ui/select";
import { Textarea } from "@/components/ui/textarea";
import { useFocusFirstError } from "@/components/ui/use-focus-first-error";
import { WORK_ITEM_PRIORITIES, WORK_ITEM_STATUSES } from "@/db/schema";
import type { ActionResult } from "@/server/auth/guard";
import { FormBanner } from "./form-banner";
import { PRIORITY_LABELS, STATUS_LABELS } from "./labels";
import { useLiveRevision } from "./live-revision";

type Props = {
  mode: "create" | "edit";
  action: (state: ActionResult<unknown> | null, formData: FormData) => Promise<ActionResult<unknown>>;
  /** Field values as strings (see workItemFormValues); in edit mode they include `revision`. */
  initialValues: Record<string, string>;
  technicians: { id: string; name: string }[];
  workItemId?: number;
  onCancelHref?: string;
  /** The signed-in user: their own saves from another tab are not announced as someone else's. */
  currentUserId?: string;
  /** The shop's currency (SHOP_CURRENCY), named in the price's label. */
  currency?: string;
};

export function WorkItemForm({
  mode,
  action,
  initialValues,
  technicians,
  workItemId,
  onCancelHref,
  currentUserId,
  currency = "EUR",
}: Props) {
  const [state, formAction, pending] = useActionState(action, null);
  const uid = useId();
  const bannerId = `${uid}-banner`;
  // After a refused save the form shows what was typed, not what is stored.
  const values = state && !state.ok && state.values ? { ...initialValues, ...state.values } : initialValues;
  const formKey = JSON.stringify(values);
  const errors = state && !state.ok ? (state.fieldErrors ?? {}) : {};
  const fid = (name: string) => `${uid}-${name}`;
  const formRef = useRef<HTMLFormElement>(null);
  useFocusFirstError(formRef, state);
  // Typed but not saved: someone else's save is then announced instead of loaded over it.
  const [dirty, setDirty] = useState(false);
  // biome-ignore lint/correctness/useExhaustiveDependencies: a save's outcome (or new values) resets it
  useEffect(() => setDirty(false), [formKey]);
  const newer = useLiveRevision({
    workItemId: mode === "edit" ? workItemId : undefined,
    revision: Number(values.revision ?? 0),
    dirty,
    currentUserId,
  });

  useEffect(() => {
    if (state?.ok && state.message === "Saved") toast.success("Saved");
  }, [state]);

  return (
    <form
      ref={formRef}
      action={formAction}
      aria-describedby={bannerId}
      noValidate
      className="space-y-6"
      onInput={() => setDirty(true)}
      onChange={() => setDirty(true)}
    >
      {newer ? (
        <Alert
          variant="info"
          title={`${newer.by ?? "You"} saved revision ${newer.revision} while you were typing`}
        >
          Your typing is kept. Saving shows their changes beside yours, field by field
          {workItemId ? (
            <>
              {", or "}
              <a href={`/work-items/${workItemId}`} className="font-medium underline underline-offset-2">
                discard yours and load theirs
              </a>
            </>
          ) : null}
          .
        </Alert>
      ) : null}
      <FormBanner
        id={bannerId}
        state={state}
        reloadHref={workItemId ? `/work-items/${workItemId}` : undefined}
        technicians={technicians}
      />
      {/* Remounted whenever the values to show change (a save, a refusal): React does not re-apply a
          changed defaultValue to a mounted <select>, so a reset form could otherwise submit stale choices. */}
      <div key={formKey} className="space-y-6">
        {mode === "edit" ? (
          <>
            <input type="hidden" name="id" value={String(workItemId)} />
            <input type="hidden" name="revision" value={values.revision} />
          </>
        ) : null}

        <fieldset className="space-y-4">
          <legend className="mb-3 text-sm font-semibold text-slate-900">Repair</legend>
          <Field id={fid("title")} label="Title" errors={errors.title}>
            {(p) => <Input {...p} name="title" defaultValue={values.title} maxLength={200} required />}
          </Field>
          <div className="grid gap-4 sm:grid-cols-2">
            <Field id={fid("device")} label="Device" errors={errors.device}>
              {(p) => (
                <Input
                  {...p}
                  name="device"
                  defaultValue={values.device}
                  placeholder="e.g. iPhone 14 Pro"
                  required
                />
              )}
            </Field>
            <Field id={fid("serialNumber")} label="Serial number" optional errors={errors.serialNumber}>
              {(p) => <Input {...p} name="serialNumber" defaultValue={values.serialNumber} maxLength={100} />}
            </Field>
          </div>
          <Field id={fid("description")} label="Description" optional errors={errors.description}>
            {(p) => (
              <Textarea
                {...p}
                name="description"
                defaultValue={values.description}
                rows={4}
                placeholder="Fault as described by the customer, condition on arrival…"
              />
            )}
          </Field>
        </fieldset>

        <fieldset className="space-y-4 border-t border-slate-100 pt-5">
          <legend className="sr-only">Customer</legend>
          <p aria-hidden="true" className="text-sm font-semibold text-slate-900">
            Customer
          </p>
          <Field id={fid("customerName")} label="Customer name" errors={errors.customerName}>
            {(p) => (
              <Input
                {...p}
                name="customerName"
                defaultValue={values.customerName}
                autoComplete="off"
                required
              />
            )}
          </Field>
          <div className="grid gap-4 sm:grid-cols-2">
            <Field id={fid("customerEmail")} label="Customer e-mail" optional errors={errors.customerEmail}>
              {(p) => (
                <Input
                  {...p}
                  name="customerEmail"
                  type="email"
                  defaultValue={values.customerEmail}
                  autoComplete="off"
                />
              )}
            </Field>
            <Field id={fid("customerPhone")} label="Customer phone" optional errors={errors.customerPhone}>
              {(p) => (
                <Input
                  {...p}
                  name="customerPhone"
                  type="tel"
                  defaultValue={values.customerPhone}
                  autoComplete="off"
                />
              )}
            </Field>
          </div>
        </fieldset>

        <fieldset className="space-y-4 border-t border-slate-100 pt-5">
          <legend className="sr-only">Workflow</legend>
          <p aria-hidden="true" className="text-sm font-semibold text-slate-900">
            Workflow
          </p>
          <div className="grid gap-4 sm:grid-cols-2">
            <Field id={fid("status")} label="Status" errors={errors.status}>
              {(p) => (
                <Select {...p} name="status" defaultValue={values.status}>
                  {WORK_ITEM_STATUSES.map((s) => (
                    <option key={s} value={s}>
                      {STATUS_LABELS[s]}
                    </option>
                  ))}
                </Select>
              )}
            </Field>
            <Field id={fid("priority")} label="Priority" errors={errors.priority}>
              {(p) => (
                <Select {...p} name="priority" defaultValue={values.priority}>
                  {WORK_ITEM_PRIORITIES.map((s) => (
                    <option key={s} value={s}>
                      {PRIORITY_LABELS[s]}
                    </option>
                  ))}
                </Select>
              )}
            </Field>
            <Field id={fid("technicianId")} label="Technician" errors={errors.technicianId}>
              {(p) => (
                <Select {...p} name="technicianId" defaultValue={values.technicianId}>
                  <option value="">Unassigned</option>
                  {technicians.map((t) => (
                    <option key={t.id} value={t.id}>
                      {t.name}
                    </option>
                  ))}
                </Select>
              )}
            </Field>
            <Field
              id={fid("price")}
              label={`Price (${currency})`}
              optional
              hint="e.g. 120, 95.50 or 95,50"
              errors={errors.price}
            >
              {(p) => <Input {...p} name="price" inputMode="decimal" defaultValue={values.price} />}
            </Field>
          </div>
        </fieldset>
      </div>

      <div className="flex flex-wrap items-center justify-end gap-2 border-t border-slate-100 pt-5">
        {onCancelHref ? (
          <Button asChild variant="ghost">
            <a href={onCancelHref}>Cancel</a>
          </Button>
        ) : null}
        <Button type="submit" disabled={pending}>
          {pending ? <LoaderCircle aria-hidden="true" className="animate-spin" /> : null}
          {mode === "create" ? "Create work item" : "Save changes"}
        </Button>
      </div>
    </form>
  );
}
