export default function SyncDetailLoading() {
  return (
    <div role="status" aria-busy="true" aria-label="Loading sync" className="space-y-6">
      <div className="h-8 w-56 animate-pulse rounded bg-slate-200" />
      <div className="grid gap-6 lg:grid-cols-[20rem_minmax(0,1fr)]">
        <div className="h-80 animate-pulse rounded-xl border border-slate-200 bg-white" />
        <div className="space-y-6">
          <div className="h-56 animate-pulse rounded-xl border border-slate-200 bg-white" />
          <div className="h-40 animate-pulse rounded-xl border border-slate-200 bg-white" />
        </div>
      </div>
    </div>
  );
}
