import type * as React from "react";

/** The app's own 404 and 403: what happened, at which address, and the ways back. */
export function StatusPage({
  icon,
  code,
  title,
  children,
  actions,
}: {
  icon: React.ReactNode;
  code: 403 | 404;
  title: string;
  children: React.ReactNode;
  actions: React.ReactNode;
}) {
  return (
    <div className="flex justify-center py-6 sm:py-12">
      <div className="w-full max-w-lg rounded-xl border border-slate-200 bg-white p-6 shadow-sm sm:p-8">
        <div className="flex items-center gap-3">
          <span className="inline-flex size-10 items-center justify-center rounded-full bg-slate-100 text-slate-600 [&_svg]:size-5">
            {icon}
          </span>
          <p className="text-sm font-medium text-slate-500 tabular-nums">Error {code}</p>
        </div>
        <h1 className="mt-4 text-xl font-semibold tracking-tight text-balance text-slate-900">{title}</h1>
        <div className="mt-2 space-y-2 text-sm text-slate-700">{children}</div>
        <div className="mt-6 flex flex-wrap gap-3">{actions}</div>
      </div>
    </div>
  );
}
