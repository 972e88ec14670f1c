import { Alert } from "@/components/ui/alert";
import type { ActionResult } from "@/server/auth/guard";
import { isStaleMessage } from "@/server/work-items/validation";

/**
 * The form-level outcome of a save, in a live region so screen readers hear it. A stale save gets a
 * reload link (a full page load, so the form starts again from the saved revision).
 */
export function FormBanner({
  id,
  state,
  reloadHref,
}: {
  id: string;
  state: ActionResult<unknown> | null;
  reloadHref?: string;
}) {
  return (
    <div id={id} aria-live="polite" aria-atomic="true">
      {state === null ? null : state.ok ? (
        <Alert variant={state.message?.startsWith("No changes") ? "info" : "success"}>
          {state.message ?? "Saved"}
        </Alert>
      ) : isStaleMessage(state.message) ? (
        <Alert variant="warning" title="Not saved">
          {state.message}{" "}
          {reloadHref ? (
            <a href={reloadHref} className="font-medium underline underline-offset-2 hover:no-underline">
              Reload
            </a>
          ) : null}
        </Alert>
      ) : (
        <Alert variant="error">{state.message}</Alert>
      )}
    </div>
  );
}
