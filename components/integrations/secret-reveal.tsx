"use client";

import { Check, Copy, KeyRound } from "lucide-react";
import { useId, useState } from "react";
import { toast } from "sonner";
import { Button } from "@/components/ui/button";

/**
 * A signing secret, shown this once: it lives only in this component's props (from the action's
 * result), never in the URL or any storage, and is gone on reload.
 */
export function SecretReveal({ secret, note }: { secret: string; note?: React.ReactNode }) {
  const id = useId();
  const [copied, setCopied] = useState(false);
  async function copy() {
    try {
      await navigator.clipboard.writeText(secret);
      setCopied(true);
      toast.success("Secret copied");
    } catch {
      toast.error("Could not copy — select the secret and copy it by hand.");
    }
  }
  return (
    <div className="space-y-2 rounded-lg border border-amber-300 bg-amber-50 p-4">
      <label htmlFor={id} className="flex items-center gap-2 text-sm font-medium text-amber-950">
        <KeyRound aria-hidden className="size-4" />
        Signing secret
      </label>
      <div className="flex flex-col gap-2 sm:flex-row">
        <input
          id={id}
          readOnly
          value={secret}
          onFocus={(e) => e.currentTarget.select()}
          aria-describedby={`${id}-note`}
          className="block h-9 w-full min-w-0 rounded-md border border-amber-300 bg-white px-3 font-mono text-sm text-slate-900"
        />
        <Button variant="primary" onClick={copy} className="sm:w-28">
          {copied ? <Check aria-hidden /> : <Copy aria-hidden />}
          {copied ? "Copied" : "Copy"}
        </Button>
      </div>
      <p id={`${id}-note`} className="text-sm text-amber-900">
        Shown once — it cannot be displayed again. Store it now; if it is lost, rotate it. {note}
      </p>
    </div>
  );
}
