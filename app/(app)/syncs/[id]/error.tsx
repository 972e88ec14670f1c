"use client";

import { ErrorPanel } from "@/components/syncs/error-panel";

export default function SyncDetailError({
  error,
  reset,
}: {
  error: Error & { digest?: string };
  reset: () => void;
}) {
  return <ErrorPanel title="This sync could not be loaded" error={error} reset={reset} />;
}
