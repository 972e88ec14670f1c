import { cva, type VariantProps } from "class-variance-authority";
import type * as React from "react";
import { cn } from "@/lib/utils";

export const badgeVariants = cva(
  "inline-flex items-center gap-1 whitespace-nowrap rounded-full px-2 py-0.5 text-xs font-medium ring-1 ring-inset",
  {
    variants: {
      tone: {
        neutral: "bg-slate-100 text-slate-700 ring-slate-300",
        blue: "bg-sky-50 text-sky-800 ring-sky-300",
        amber: "bg-amber-50 text-amber-900 ring-amber-300",
        green: "bg-emerald-50 text-emerald-800 ring-emerald-300",
        red: "bg-red-50 text-red-800 ring-red-300",
        violet: "bg-violet-50 text-violet-800 ring-violet-300",
        dark: "bg-slate-800 text-white ring-slate-800",
      },
    },
    defaultVariants: { tone: "neutral" },
  },
);

export type BadgeTone = NonNullable<VariantProps<typeof badgeVariants>["tone"]>;

export function Badge({
  className,
  tone,
  ...props
}: React.ComponentProps<"span"> & VariantProps<typeof badgeVariants>) {
  return <span className={cn(badgeVariants({ tone }), className)} {...props} />;
}
