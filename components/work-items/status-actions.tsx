"use client";

import { ArrowRight } from "lucide-react";
import { useActionState, useEffect, useId } from "react";
import { toast } from "sonner";
import { Button } from "@/components/ui/button";
import { WORK_ITEM_STATUSES, type WorkItemStatus } from "@/db/schema";
import type { ActionResult } from "@/server/auth/guard";
import { FormBanner } from "./form-banner";
import { STATUS_LABELS } from "./labels";

type Props = {
  workItemId: number;
  revision: number;
  status: WorkItemStatus;
  action: (state: ActionResult<unknown> | null, formData: FormData) => Promise<ActionResult<unknown>>;
};

/** One click moves the repair to another status: a real save of that revision, like the form. */
export function StatusActions({ workItemId, revision, status, action }: Props) {
  const [state, formAction, pending] = useActionState(action, null);
  const bannerId = useId();
  useEffect(() => {
    if (state?.ok && state.message === "Saved") toast.success("Status changed");
  }, [state]);
  return (
    <form action={formAction} aria-describedby={bannerId} className="space-y-3">
      <input type="hidden" name="id" value={String(workItemId)} />
      <input type="hidden" name="revision" value={String(revision)} />
      <div className="grid gap-2">
        {WORK_ITEM_STATUSES.filter((s) => s !== status).map((s) => (
          <Button
            key={s}
            type="submit"
            name="status"
            value={s}
            variant="secondary"
            disabled={pending}
            className="justify-between"
          >
            Move to {STATUS_LABELS[s]}
            <ArrowRight aria-hidden="true" className="text-slate-400" />
          </Button>
        ))}
      </div>
      <FormBanner
        id={bannerId}
        state={state && !state.ok ? state : null}
        reloadHref={`/work-items/${workItemId}`}
      />
    </form>
  );
}
