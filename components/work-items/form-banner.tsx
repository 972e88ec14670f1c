import { Alert } from "@/components/ui/alert";
import type { ActionResult } from "@/server/auth/guard";
import { isStaleMessage } from "@/server/work-items/validation";
import { ConflictPanel } from "./conflict-panel";

/**
 * The form-level outcome of a save, in a live region so screen readers hear it. A stale save shows
 * their changes beside yours (ConflictPanel) when the action could tell them, else a reload link.
 */
export function FormBanner({
  id,
  state,
  reloadHref,
  technicians = [],
}: {
  id: string;
  state: ActionResult<unknown> | null;
  reloadHref?: string;
  /** To name an assigned technician in a conflict. */
  technicians?: { id: string; name: string }[];
}) {
  return (
    <div id={id} aria-live="polite" aria-atomic="true">
      {state === null ? null : !state.ok && state.conflict ? (
        <ConflictPanel conflict={state.conflict} technicians={technicians} reloadHref={reloadHref} />
      ) : state.ok ? (
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
