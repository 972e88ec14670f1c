"use client";

import { type RefObject, useEffect } from "react";

/**
 * After a refused save with field errors, moves focus to the first invalid control of the form (the
 * errors are inline beside each field; this takes the keyboard and the screen reader to them).
 * `result` is the action's latest state: a new object each submit, so each refusal focuses again.
 */
export function useFocusFirstError(
  form: RefObject<HTMLFormElement | null>,
  result: { ok: boolean; fieldErrors?: Record<string, string[]> } | null,
): void {
  useEffect(() => {
    if (!result || result.ok || !result.fieldErrors || Object.keys(result.fieldErrors).length === 0) return;
    // After the render that marked the fields (a remounted form renders in the same commit).
    const frame = requestAnimationFrame(() => {
      form.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
    });
    return () => cancelAnimationFrame(frame);
  }, [form, result]);
}
