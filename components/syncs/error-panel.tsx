"use client";

import { TriangleAlert } from "lucide-react";
import { Button } from "@/components/ui/button";

/** What error.tsx boundaries of the sync, integration and dashboard pages show. */
export function ErrorPanel({
  title,
  error,
  reset,
}: {
  title: string;
  error: Error & { digest?: string };
  reset: () => void;
}) {
  return (
    <div role="alert" className="rounded-xl border border-red-200 bg-white p-8 text-center shadow-sm">
      <div className="mx-auto mb-3 flex size-11 items-center justify-center rounded-full bg-red-50 text-red-700">
        <TriangleAlert aria-hidden className="size-5" />
      </div>
      <h1 className="text-lg font-semibold text-slate-900">{title}</h1>
      <p className="mx-auto mt-1 max-w-md text-sm text-slate-600">
        Something went wrong on our side. It has been logged; try again in a moment.
        {error.digest ? (
          <span className="mt-1 block font-mono text-xs text-slate-500">Reference {error.digest}</span>
        ) : null}
      </p>
      <Button className="mt-4" variant="secondary" onClick={reset}>
        Try again
      </Button>
    </div>
  );
}
