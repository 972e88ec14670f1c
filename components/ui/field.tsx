import type * as React from "react";
import { cn } from "@/lib/utils";
import { Label } from "./label";

/**
 * A label, a control and its error list. The control gets `id`, `aria-invalid` and
 * `aria-describedby` (hint + error) through the render prop, so every field is wired the same way.
 */
export function Field({
  id,
  label,
  hint,
  errors,
  className,
  optional,
  children,
}: {
  id: string;
  label: string;
  hint?: string;
  errors?: string[];
  optional?: boolean;
  className?: string;
  children: (control: { id: string; "aria-invalid"?: true; "aria-describedby": string }) => React.ReactNode;
}) {
  const errorId = `${id}-error`;
  const hintId = `${id}-hint`;
  const hasErrors = Boolean(errors?.length);
  return (
    <div className={cn("space-y-1.5", className)}>
      <Label htmlFor={id}>
        {label}
        {optional ? <span className="ml-1 font-normal text-slate-500">(optional)</span> : null}
      </Label>
      {children({
        id,
        "aria-invalid": hasErrors ? true : undefined,
        "aria-describedby": hint ? `${hintId} ${errorId}` : errorId,
      })}
      {hint ? (
        <p id={hintId} className="text-xs text-slate-500">
          {hint}
        </p>
      ) : null}
      <div id={errorId} aria-live="polite" className="text-sm text-red-700 empty:hidden">
        {errors?.map((e) => (
          <p key={e}>{e}</p>
        ))}
      </div>
    </div>
  );
}
