"use client";

import { useRouter } from "next/navigation";
import { useEffect, useRef, useState } from "react";
import { toast } from "sonner";

/** How often an open item page asks whether someone else saved it (only while the tab is visible). */
const POLL_MS = 3_000;

export type NewerRevision = { revision: number; by: string | null };

/**
 * Keeps an open work item page current. Every few seconds (tab visible) it reads the item's revision
 * (GET /api/work-items/:id/revision); when someone else saved a newer one, a page with nothing typed
 * re-renders with their values and says who saved, and a page with unsaved typing is left alone and
 * told instead (returned as `newer`), so nothing typed is lost: the next save shows both sides.
 */
export function useLiveRevision({
  workItemId,
  revision,
  dirty,
  currentUserId,
}: {
  workItemId: number | undefined;
  revision: number;
  dirty: boolean;
  currentUserId: string | undefined;
}): NewerRevision | null {
  const router = useRouter();
  const [newer, setNewer] = useState<NewerRevision | null>(null);
  const announced = useRef(revision);
  const state = useRef({ revision, dirty });
  state.current = { revision, dirty };

  // The page caught up (a refresh, or this tab's own save): nothing newer to mention.
  useEffect(() => {
    setNewer((n) => (n && n.revision <= revision ? null : n));
  }, [revision]);

  useEffect(() => {
    if (workItemId === undefined) return;
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const check = async () => {
      if (document.visibilityState === "visible") {
        try {
          const response = await fetch(`/api/work-items/${workItemId}/revision`, { cache: "no-store" });
          if (response.ok) {
            const latest = (await response.json()) as {
              revision: number;
              updatedBy: { id: string | null; name: string | null } | null;
            };
            const { revision: shown, dirty: typing } = state.current;
            if (!stopped && latest.revision > shown) {
              const by =
                latest.updatedBy?.id === currentUserId ? null : (latest.updatedBy?.name ?? "Someone");
              if (typing) {
                setNewer({ revision: latest.revision, by });
              } else {
                router.refresh();
                if (by && latest.revision > announced.current) {
                  announced.current = latest.revision;
                  toast.info(`${by} saved revision ${latest.revision}`, {
                    description: "The page shows their changes.",
                  });
                }
              }
            }
          }
        } catch {
          // Offline or restarting: the next tick tries again.
        }
      }
      if (!stopped) timer = setTimeout(check, POLL_MS);
    };
    timer = setTimeout(check, POLL_MS);
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [workItemId, currentUserId, router]);

  return newer;
}
