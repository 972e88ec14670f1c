"use client";

import { Check, LoaderCircle, Pencil, Plus, X } from "lucide-react";
import { startTransition, useActionState, useEffect, useId, useOptimistic, useRef, useState } from "react";
import { toast } from "sonner";
import { Button } from "@/components/ui/button";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { cn } from "@/lib/utils";
import type { ActionResult } from "@/server/auth/guard";
import { FormBanner } from "./form-banner";

type TaskItem = { id: number; title: string; done: boolean; revision: number };

type FormAction = (state: ActionResult<unknown> | null, formData: FormData) => Promise<ActionResult<unknown>>;

type Props = {
  workItemId: number;
  tasks: TaskItem[];
  createAction: FormAction;
  updateAction: FormAction;
};

export function TaskList({ workItemId, tasks, createAction, updateAction }: Props) {
  const done = tasks.filter((t) => t.done).length;
  return (
    <div className="space-y-4">
      {tasks.length === 0 ? (
        <p className="text-sm text-slate-500">No tasks yet. Break the repair into steps below.</p>
      ) : (
        <>
          <p className="text-sm text-slate-600">
            {done} of {tasks.length} done
          </p>
          <ul className="divide-y divide-slate-100 rounded-lg border border-slate-200" aria-label="Tasks">
            {tasks.map((task) => (
              <TaskRow key={task.id} task={task} workItemId={workItemId} action={updateAction} />
            ))}
          </ul>
        </>
      )}
      <AddTaskForm workItemId={workItemId} action={createAction} />
    </div>
  );
}

function AddTaskForm({ workItemId, action }: { workItemId: number; action: FormAction }) {
  const [state, formAction, pending] = useActionState(action, null);
  const id = useId();
  const errorId = `${id}-error`;
  const titleErrors = state && !state.ok ? state.fieldErrors?.title : undefined;
  const message = state && !state.ok && !titleErrors ? state.message : null;
  return (
    <form action={formAction} className="space-y-1.5">
      <input type="hidden" name="workItemId" value={String(workItemId)} />
      <Label htmlFor={id}>New task</Label>
      <div className="flex gap-2">
        <Input
          id={id}
          name="title"
          placeholder="e.g. Order replacement part"
          maxLength={200}
          defaultValue={state && !state.ok ? state.values?.title : ""}
          aria-invalid={titleErrors ? true : undefined}
          aria-describedby={errorId}
        />
        <Button type="submit" variant="secondary" disabled={pending}>
          {pending ? (
            <LoaderCircle aria-hidden="true" className="animate-spin" />
          ) : (
            <Plus aria-hidden="true" />
          )}
          Add task
        </Button>
      </div>
      <div id={errorId} aria-live="polite" className="text-sm text-red-700 empty:hidden">
        {titleErrors?.map((e) => (
          <p key={e}>{e}</p>
        ))}
        {message ? <p>{message}</p> : null}
      </div>
    </form>
  );
}

function TaskRow({
  task: fromPage,
  workItemId,
  action,
}: {
  task: TaskItem;
  workItemId: number;
  action: FormAction;
}) {
  const [state, formAction, pending] = useActionState(action, null);
  const [editing, setEditing] = useState(false);
  // The page refreshes itself while deliveries are pending; a refresh that left before this row's last
  // save can land after it. Show whichever is newer: the page's task or the one the save returned.
  const saved = state?.ok ? (state.data as { task?: TaskItem } | undefined)?.task : undefined;
  const task = saved && saved.revision > fromPage.revision ? saved : fromPage;
  const [done, setOptimisticDone] = useOptimistic(task.done);
  const toggleForm = useRef<HTMLFormElement>(null);
  const id = useId();
  const bannerId = `${id}-banner`;
  const titleErrors = state && !state.ok ? state.fieldErrors?.title : undefined;

  useEffect(() => {
    if (state?.ok) {
      setEditing(false);
      if (state.message === "Saved") toast.success("Task saved");
    }
  }, [state]);

  const hidden = (
    <>
      <input type="hidden" name="taskId" value={String(task.id)} />
      <input type="hidden" name="workItemId" value={String(workItemId)} />
      <input type="hidden" name="revision" value={String(task.revision)} />
    </>
  );

  return (
    <li className="px-3 py-2.5">
      {editing ? (
        <form action={formAction} className="space-y-1.5">
          {hidden}
          <Label htmlFor={`${id}-title`} className="sr-only">
            Task title
          </Label>
          <div className="flex flex-wrap gap-2">
            <Input
              id={`${id}-title`}
              name="title"
              defaultValue={state && !state.ok ? (state.values?.title ?? task.title) : task.title}
              maxLength={200}
              autoFocus
              aria-invalid={titleErrors ? true : undefined}
              aria-describedby={bannerId}
              className="min-w-0 flex-1"
            />
            <Button type="submit" size="sm" className="h-9" disabled={pending}>
              <Check aria-hidden="true" />
              Save
            </Button>
            <Button type="button" size="sm" variant="ghost" className="h-9" onClick={() => setEditing(false)}>
              <X aria-hidden="true" />
              Cancel
            </Button>
          </div>
        </form>
      ) : (
        <div className="flex items-center gap-3">
          <form
            ref={toggleForm}
            // Not a React form `action`: React resets a form after its action, which puts a controlled
            // checkbox's DOM state back to its initial `checked` while React still renders it ticked.
            onSubmit={(event) => {
              event.preventDefault();
              const formData = new FormData(event.currentTarget);
              startTransition(() => {
                setOptimisticDone(formData.get("done") === "true");
                formAction(formData);
              });
            }}
            className="flex min-w-0 flex-1 items-center"
          >
            {hidden}
            <input type="hidden" name="done" value={String(!task.done)} />
            <label className="flex min-w-0 flex-1 cursor-pointer items-center gap-3 text-sm">
              <input
                type="checkbox"
                checked={done}
                disabled={pending}
                onChange={() => toggleForm.current?.requestSubmit()}
                aria-describedby={bannerId}
                className="size-4 shrink-0 cursor-pointer rounded border-slate-300 accent-indigo-600"
              />
              <span className={cn("min-w-0 break-words", done && "text-slate-500 line-through")}>
                {task.title}
              </span>
            </label>
          </form>
          <Button
            type="button"
            size="sm"
            variant="ghost"
            aria-label={`Rename task ${task.title}`}
            onClick={() => setEditing(true)}
          >
            <Pencil aria-hidden="true" />
            <span className="sr-only sm:not-sr-only">Rename</span>
          </Button>
        </div>
      )}
      <div id={bannerId} aria-live="polite" className="mt-1 text-sm text-red-700 empty:hidden">
        {titleErrors?.map((e) => (
          <p key={e}>{e}</p>
        ))}
        {state && !state.ok && !titleErrors ? (
          <FormBanner id={`${id}-msg`} state={state} reloadHref={`/work-items/${workItemId}`} />
        ) : null}
      </div>
    </li>
  );
}
