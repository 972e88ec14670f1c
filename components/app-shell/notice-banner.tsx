"use client";

import { Check, TriangleAlert } from "lucide-react";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useTransition } from "react";
import { toast } from "sonner";
import { Button } from "@/components/ui/button";
import { Time } from "@/components/ui/time";
import type { ActionResult } from "@/server/auth/guard";

export type BannerNotice = {
  id: number;
  text: string;
  createdAt: string;
  integration: { id: number; name: string; active: boolean } | null;
  /** Where the notice's link goes: the integration's page for admins, its syncs for managers. */
  href: string;
};

/** The acknowledge server action (app/(app)/actions.ts), passed in by the layout. */
export type AcknowledgeAction = (input: { id: number }) => Promise<ActionResult<{ id: number }>>;

function AcknowledgeButton({ id, name, action }: { id: number; name: string; action: AcknowledgeAction }) {
  const [pending, start] = useTransition();
  const router = useRouter();
  return (
    <Button
      size="sm"
      variant="secondary"
      disabled={pending}
      aria-label={`Acknowledge: ${name} paused`}
      onClick={() =>
        start(async () => {
          const result = await action({ id });
          if (!result.ok) {
            toast.error(result.message);
            return;
          }
          toast.success(result.message ?? "Acknowledged");
          router.refresh();
        })
      }
    >
      <Check aria-hidden />
      {pending ? "Acknowledging…" : "Acknowledge"}
    </Button>
  );
}

/**
 * Unacknowledged notices (an integration paused automatically) under the top bar, for managers and
 * admins, until one of them acknowledges (for everyone).
 */
export function NoticeBanner({ notices, action }: { notices: BannerNotice[]; action: AcknowledgeAction }) {
  if (notices.length === 0) return null;
  return (
    <section aria-label="Notices" className="border-b border-amber-200 bg-amber-50">
      <ul className="mx-auto max-w-7xl divide-y divide-amber-200 px-4 sm:px-6">
        {notices.map((notice) => {
          const name = notice.integration?.name ?? "A deleted integration";
          return (
            <li
              key={notice.id}
              className="flex flex-wrap items-center gap-x-4 gap-y-2 py-2.5 text-sm text-amber-950"
            >
              <TriangleAlert aria-hidden className="size-4 shrink-0 text-amber-700" />
              <div className="min-w-0 flex-1 basis-64">
                <p className="font-medium">
                  Integration{" "}
                  <Link href={notice.href} className="underline underline-offset-2 hover:text-amber-800">
                    {name}
                  </Link>{" "}
                  {notice.integration?.active ? "was paused (resumed since)" : "is paused"}
                  <span className="font-normal text-amber-800">
                    {" "}
                    · <Time value={notice.createdAt} />
                  </span>
                </p>
                <p className="break-words text-amber-900">{notice.text}</p>
              </div>
              <AcknowledgeButton id={notice.id} name={name} action={action} />
            </li>
          );
        })}
      </ul>
    </section>
  );
}
