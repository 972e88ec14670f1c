/** The sync timeline's Suspense fallback while the page reads its first page of changes. */
export function SyncTimelineSkeleton() {
  return (
    <section
      aria-label="Sync timeline (loading)"
      className="rounded-xl border border-slate-200 bg-white shadow-sm"
    >
      <div className="border-b border-slate-100 px-5 py-4">
        <div className="h-5 w-32 animate-pulse rounded bg-slate-200" />
        <div className="mt-2 h-4 w-72 max-w-full animate-pulse rounded bg-slate-100" />
      </div>
      <div className="space-y-5 px-5 py-5">
        {[0, 1, 2].map((i) => (
          <div key={i} className="flex gap-3">
            <div className="size-8 shrink-0 animate-pulse rounded-full bg-slate-200" />
            <div className="flex-1 space-y-2">
              <div className="h-4 w-1/2 animate-pulse rounded bg-slate-200" />
              <div className="h-4 w-1/3 animate-pulse rounded bg-slate-100" />
              <div className="h-10 animate-pulse rounded-lg bg-slate-100" />
            </div>
          </div>
        ))}
      </div>
    </section>
  );
}
