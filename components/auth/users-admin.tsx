"use client";

import { History, KeyRound, UserPlus, UserRoundCheck, UserRoundX } from "lucide-react";
import Link from "next/link";
import { useActionState, useEffect, useId, useRef, useState } from "react";
import { Badge } from "@/components/ui/badge";
import { Button, buttonVariants } from "@/components/ui/button";
import { Field } from "@/components/ui/field";
import { Input } from "@/components/ui/input";
import { Select } from "@/components/ui/select";
import { TableCell, TableRow } from "@/components/ui/table";
import { Time } from "@/components/ui/time";
import { cn } from "@/lib/utils";
import { auditQuery } from "@/server/audit/params";
import type { Action, ActionResult } from "@/server/auth/guard";
import { ROLES, type Role } from "@/server/auth/roles";
import { ROLE_LABELS } from "./labels";
import { RoleBadge } from "./role-badge";
import { STACKED_CELL, STACKED_ROW } from "./stacked-table";

export type AdminUserRow = {
  id: string;
  name: string;
  email: string;
  role: Role;
  active: boolean;
  createdIso: string;
};

type Outcome = ActionResult<unknown> | null;

function Message({ result, className }: { result: Outcome; className?: string }) {
  return (
    <div aria-live="polite" className={cn("text-sm empty:hidden", className)}>
      {result ? (
        <p role={result.ok ? "status" : "alert"} className={result.ok ? "text-emerald-700" : "text-red-700"}>
          {result.message}
        </p>
      ) : null}
    </div>
  );
}

export function CreateUserForm({
  action,
  minPasswordLength,
}: {
  action: Action<unknown>;
  minPasswordLength: number;
}) {
  const [state, formAction, pending] = useActionState<Outcome, FormData>(action, null);
  const formRef = useRef<HTMLFormElement>(null);
  const id = useId();
  const failed = state && !state.ok ? state : null;
  const errors = failed?.fieldErrors ?? {};
  const values = failed?.values ?? {};

  useEffect(() => {
    if (state?.ok) formRef.current?.reset();
  }, [state]);

  return (
    <form
      ref={formRef}
      action={formAction}
      className="grid gap-4 sm:grid-cols-2 lg:grid-cols-[1fr_1fr_10rem_1fr_auto] lg:items-start"
    >
      <Field id={`${id}-name`} label="Name" errors={errors.name}>
        {(control) => (
          <Input
            {...control}
            name="name"
            autoComplete="off"
            defaultValue={values.name}
            key={`n${values.name}`}
          />
        )}
      </Field>
      <Field id={`${id}-email`} label="Email" errors={errors.email}>
        {(control) => (
          <Input
            {...control}
            name="email"
            type="email"
            autoComplete="off"
            defaultValue={values.email}
            key={`e${values.email}`}
          />
        )}
      </Field>
      <Field id={`${id}-role`} label="Role" errors={errors.role}>
        {(control) => (
          <Select {...control} name="role" defaultValue={values.role ?? "technician"} key={`r${values.role}`}>
            {ROLES.map((r) => (
              <option key={r} value={r}>
                {ROLE_LABELS[r]}
              </option>
            ))}
          </Select>
        )}
      </Field>
      <Field
        id={`${id}-password`}
        label="Initial password"
        hint={`At least ${minPasswordLength} characters. Share it with the person directly.`}
        errors={errors.password}
      >
        {(control) => <Input {...control} name="password" type="password" autoComplete="new-password" />}
      </Field>
      <div className="sm:col-span-2 lg:col-span-1 lg:pt-6">
        <Button type="submit" variant="primary" disabled={pending} className="w-full lg:w-auto">
          <UserPlus aria-hidden="true" />
          {pending ? "Creating…" : "Create user"}
        </Button>
      </div>
      <Message result={state} className="sm:col-span-2 lg:col-span-5" />
    </form>
  );
}

type RowActions = {
  changeRole: Action<unknown>;
  resetPassword: Action<unknown>;
  deactivate: Action<unknown>;
  reactivate: Action<unknown>;
};

export function UserRow({
  user,
  isSelf,
  actions,
  minPasswordLength,
}: {
  user: AdminUserRow;
  isSelf: boolean;
  actions: RowActions;
  minPasswordLength: number;
}) {
  const [roleState, roleAction, rolePending] = useActionState<Outcome, FormData>(actions.changeRole, null);
  const [passwordState, passwordAction, passwordPending] = useActionState<Outcome, FormData>(
    actions.resetPassword,
    null,
  );
  const [deactivateState, deactivateAction, deactivatePending] = useActionState<Outcome, FormData>(
    actions.deactivate,
    null,
  );
  const [reactivateState, reactivateAction, reactivatePending] = useActionState<Outcome, FormData>(
    actions.reactivate,
    null,
  );
  const [latest, setLatest] = useState<Outcome>(null);
  const [resetOpen, setResetOpen] = useState(false);
  const [confirmDeactivate, setConfirmDeactivate] = useState(false);
  const [role, setRole] = useState<Role>(user.role);
  const id = useId();

  useEffect(() => setRole(user.role), [user.role]);
  useEffect(() => {
    if (passwordState?.ok) setResetOpen(false);
  }, [passwordState]);
  // A new status from the server closes the confirm step (adjusting state during render, not in an effect).
  const [shownActive, setShownActive] = useState(user.active);
  if (shownActive !== user.active) {
    setShownActive(user.active);
    setConfirmDeactivate(false);
  }

  const passwordErrors = passwordState && !passwordState.ok ? passwordState.fieldErrors?.password : undefined;
  // The row shows the outcome of whichever of its forms answered last.
  useEffect(() => setLatest(roleState), [roleState]);
  useEffect(() => setLatest(passwordState), [passwordState]);
  useEffect(() => setLatest(deactivateState), [deactivateState]);
  useEffect(() => setLatest(reactivateState), [reactivateState]);

  return (
    <>
      <TableRow
        aria-label={user.name}
        className={cn(
          STACKED_ROW,
          !user.active && "bg-slate-50/80 text-slate-500",
          resetOpen && "max-md:border-b-0",
        )}
      >
        <TableCell className="font-medium whitespace-nowrap text-slate-900 max-md:block max-md:px-0 max-md:pb-1 max-md:text-base">
          {user.name}
          {isSelf ? <span className="ml-1.5 text-xs font-normal text-slate-500">(you)</span> : null}
        </TableCell>
        <TableCell data-label="Email" className={cn(STACKED_CELL, "whitespace-nowrap")}>
          {user.email}
        </TableCell>
        <TableCell data-label="Role" className={STACKED_CELL}>
          {isSelf ? (
            <RoleBadge role={user.role} />
          ) : (
            <form action={roleAction} className="flex items-center gap-2">
              <input type="hidden" name="userId" value={user.id} />
              <Select
                name="role"
                aria-label={`Role of ${user.name}`}
                value={role}
                onChange={(e) => setRole(e.target.value as Role)}
                className="w-36"
              >
                {ROLES.map((r) => (
                  <option key={r} value={r}>
                    {ROLE_LABELS[r]}
                  </option>
                ))}
              </Select>
              {role !== user.role ? (
                <Button type="submit" size="sm" variant="secondary" disabled={rolePending}>
                  {rolePending ? "Saving…" : "Save role"}
                </Button>
              ) : null}
            </form>
          )}
        </TableCell>
        <TableCell data-label="Status" className={STACKED_CELL}>
          {user.active ? <Badge tone="green">Active</Badge> : <Badge tone="red">Deactivated</Badge>}
        </TableCell>
        <TableCell data-label="Created" className={cn(STACKED_CELL, "whitespace-nowrap")}>
          <Time value={user.createdIso} format="date" />
        </TableCell>
        <TableCell className="max-md:block max-md:px-0 max-md:pt-2">
          <div className="flex flex-wrap items-center justify-end gap-2 max-md:justify-start">
            <Link
              href={`/admin/audit${auditQuery({ targetType: "user", target: user.id })}`}
              className={buttonVariants({ size: "sm", variant: "ghost" })}
              aria-label={`History of ${user.name}`}
            >
              <History aria-hidden="true" />
              History
            </Link>
            <Button
              size="sm"
              variant="ghost"
              aria-expanded={resetOpen}
              aria-controls={`${id}-reset`}
              onClick={() => setResetOpen((open) => !open)}
              aria-label={`Reset password of ${user.name}`}
            >
              <KeyRound aria-hidden="true" />
              Reset password
            </Button>
            {isSelf ? null : user.active ? (
              confirmDeactivate ? (
                <form action={deactivateAction} className="flex items-center gap-2">
                  <input type="hidden" name="userId" value={user.id} />
                  <Button type="submit" size="sm" variant="destructive" disabled={deactivatePending}>
                    {deactivatePending ? "Deactivating…" : "Yes, deactivate"}
                  </Button>
                  <Button size="sm" variant="ghost" onClick={() => setConfirmDeactivate(false)}>
                    Cancel
                  </Button>
                </form>
              ) : (
                <Button
                  size="sm"
                  variant="ghost"
                  className="text-red-700 hover:bg-red-50 hover:text-red-800"
                  onClick={() => setConfirmDeactivate(true)}
                  aria-label={`Deactivate ${user.name}`}
                >
                  <UserRoundX aria-hidden="true" />
                  Deactivate
                </Button>
              )
            ) : (
              <form action={reactivateAction}>
                <input type="hidden" name="userId" value={user.id} />
                <Button
                  type="submit"
                  size="sm"
                  variant="secondary"
                  disabled={reactivatePending}
                  aria-label={`Reactivate ${user.name}`}
                >
                  <UserRoundCheck aria-hidden="true" />
                  {reactivatePending ? "Reactivating…" : "Reactivate"}
                </Button>
              </form>
            )}
          </div>
          <Message result={latest} className="mt-1 text-right max-md:text-left" />
        </TableCell>
      </TableRow>
      {resetOpen ? (
        <TableRow id={`${id}-reset`} className="bg-slate-50 hover:bg-slate-50 max-md:block">
          <TableCell colSpan={6} className="max-md:block max-md:px-4">
            <form action={passwordAction} className="flex flex-wrap items-start gap-3">
              <input type="hidden" name="userId" value={user.id} />
              <Field
                id={`${id}-password`}
                label={`New password for ${user.name}`}
                hint={`At least ${minPasswordLength} characters.${isSelf ? "" : " They will be signed out everywhere."}`}
                errors={passwordErrors}
                className="min-w-64 flex-1"
              >
                {(control) => (
                  <Input {...control} name="password" type="password" autoComplete="new-password" />
                )}
              </Field>
              <div className="flex gap-2 pt-6">
                <Button type="submit" size="md" disabled={passwordPending}>
                  {passwordPending ? "Saving…" : "Set password"}
                </Button>
                <Button size="md" variant="ghost" onClick={() => setResetOpen(false)}>
                  Cancel
                </Button>
              </div>
            </form>
          </TableCell>
        </TableRow>
      ) : null}
    </>
  );
}
