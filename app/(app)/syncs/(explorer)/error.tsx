"use client";

import { ErrorPanel } from "@/components/syncs/error-panel";

export default function SyncsError({
  error,
  reset,
}: {
  error: Error & { digest?: string };
  reset: () => void;
}) {
  return <ErrorPanel title="The syncs could not be loaded" error={error} reset={reset} />;
}
