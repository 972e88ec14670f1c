"use client";

import { ErrorPanel } from "@/components/syncs/error-panel";

export default function IntegrationsError({
  error,
  reset,
}: {
  error: Error & { digest?: string };
  reset: () => void;
}) {
  return <ErrorPanel title="The integrations could not be loaded" error={error} reset={reset} />;
}
