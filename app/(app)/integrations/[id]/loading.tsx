export default function IntegrationLoading() {
  return (
    <div role="status" aria-busy="true" aria-label="Loading integration" className="space-y-6">
      <div className="h-8 w-56 animate-pulse rounded bg-slate-200" />
      <div className="grid gap-6 lg:grid-cols-[minmax(0,1fr)_24rem]">
        <div className="h-96 animate-pulse rounded-xl border border-slate-200 bg-white" />
        <div className="space-y-6">
          <div className="h-40 animate-pulse rounded-xl border border-slate-200 bg-white" />
          <div className="h-40 animate-pulse rounded-xl border border-slate-200 bg-white" />
        </div>
      </div>
    </div>
  );
}
