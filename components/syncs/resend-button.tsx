"use client";

import { RotateCw } from "lucide-react";
import { useRouter } from "next/navigation";
import { useTransition } from "react";
import { toast } from "sonner";
import { Button, type ButtonProps } from "@/components/ui/button";
import type { ActionResult } from "@/server/auth/guard";

/** The resend server action (app/(app)/syncs/actions.ts), passed in by the page. */
export type ResendAction = (input: { syncId: number }) => Promise<ActionResult<{ syncId: number }>>;

/** Resends one delivery (manager). `onResent` lets the timeline start polling at once. */
export function ResendButton({
  action,
  syncId,
  onResent,
  refresh = false,
  size = "sm",
  variant = "secondary",
}: {
  action: ResendAction;
  syncId: number;
  onResent?: () => void;
  /** Re-render the server page afterwards (the sync detail page). */
  refresh?: boolean;
  size?: ButtonProps["size"];
  variant?: ButtonProps["variant"];
}) {
  const [pending, startTransition] = useTransition();
  const router = useRouter();
  return (
    <Button
      size={size}
      variant={variant}
      disabled={pending}
      onClick={() =>
        startTransition(async () => {
          const result = await action({ syncId });
          if (result.ok) {
            toast.success(result.message ?? "Resend requested");
            onResent?.();
            if (refresh) router.refresh();
          } else {
            toast.error(result.message);
          }
        })
      }
    >
      <RotateCw aria-hidden className={pending ? "animate-spin" : undefined} />
      {pending ? "Resending…" : "Resend"}
    </Button>
  );
}
