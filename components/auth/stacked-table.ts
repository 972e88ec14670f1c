// Plain strings in a server-safe module: a "use client" file's non-component exports are references on the server.
/** Below md the table turns into one card per user; cells show their column name (data-label) instead. */
export const STACKED_TABLE = "max-md:block max-md:[&_thead]:hidden max-md:[&_tbody]:block";
export const STACKED_ROW = "max-md:block max-md:px-4 max-md:py-3";
export const STACKED_CELL =
  "max-md:flex max-md:min-h-9 max-md:items-center max-md:justify-between max-md:gap-3 max-md:px-0 max-md:py-1 max-md:before:text-xs max-md:before:font-semibold max-md:before:tracking-wide max-md:before:text-slate-500 max-md:before:uppercase max-md:before:content-[attr(data-label)]";
