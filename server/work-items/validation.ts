import { z } from "zod";
import { WORK_ITEM_PRIORITIES, WORK_ITEM_STATUSES } from "@/db/schema";
import { idSchema } from "@/lib/ids";
import { hasControlCharacters } from "@/lib/text";

// This module reaches the browser (form-banner.tsx): zod's JIT probes `new Function`, which the CSP's
// script-src refuses (and reports). In the browser, parse without it.
if (typeof window !== "undefined") z.config({ jitless: true });

const MAX_PRICE_CENTS = 1_000_000_000;

/** Form fields arrive as strings; blank optional fields mean "empty" (null), not "keep". */
const blankToNull = (value: unknown) => (typeof value === "string" && value.trim() === "" ? null : value);
const trimmed = (value: unknown) => (typeof value === "string" ? value.trim() : value);

/**
 * NUL (which PostgreSQL text cannot hold: the save would fail as a 500), other control characters and
 * lone surrogates are refused as input errors. Only the description keeps tabs and line breaks.
 */
const noControls = (label: string, allow: readonly string[] = []) =>
  [
    (v: string) => !hasControlCharacters(v, allow),
    `${label} may not contain control characters${allow.length ? " other than tabs and line breaks" : ""}`,
  ] as const;

const requiredText = (label: string, max: number) =>
  z.preprocess(
    trimmed,
    z
      .string({ error: `${label} is required` })
      .min(1, `${label} is required`)
      .max(max, `${label} must be at most ${max} characters`)
      .refine(...noControls(label)),
  );

const optionalText = (label: string, max: number) =>
  z.preprocess(
    (v) => blankToNull(trimmed(v)),
    z
      .string()
      .max(max, `${label} must be at most ${max} characters`)
      .refine(...noControls(label))
      .nullable(),
  );

/**
 * A price as people in the shop type it: "120", "95.5", "95.50", "95,50", "1.234,56", "1,234.56",
 * "1 234,56". Grouping only together with decimals in the other separator: "1.234" alone could be
 * either, so it is refused rather than guessed.
 */
const PRICE_PATTERN =
  /^(?:(?<grouped>\d{1,3}(?:(?<group>[.,])\d{3})+)(?<point>[.,])(?<groupedCents>\d{1,2})|(?<whole>\d{1,9})(?:[.,](?<cents>\d{1,2}))?)$/;

/** A typed price → cents, without floating-point arithmetic; null when it is not a price. */
export function parsePriceToCents(input: string): number | null {
  const match = PRICE_PATTERN.exec(input.trim().replace(/[\s\u00a0\u202f]/g, ""));
  if (!match?.groups) return null;
  const { grouped, group, point, groupedCents, whole, cents } = match.groups;
  if (grouped !== undefined && group === point) return null;
  const digits = grouped !== undefined ? grouped.replaceAll(group, "") : whole;
  if (digits.length > 9) return null;
  return Number(digits) * 100 + Number((groupedCents ?? cents ?? "").padEnd(2, "0"));
}

export function formatCents(cents: number | null | undefined): string {
  if (cents === null || cents === undefined) return "";
  return `${Math.trunc(cents / 100)}.${String(cents % 100).padStart(2, "0")}`;
}

const priceField = z.preprocess(
  (v) => (typeof v === "number" ? String(v) : blankToNull(trimmed(v))),
  z
    .string()
    .nullable()
    .superRefine((value, ctx) => {
      if (value === null) return;
      if (value.startsWith("-")) {
        ctx.addIssue({ code: "custom", message: "Price cannot be negative" });
        return;
      }
      const cents = parsePriceToCents(value);
      if (cents === null) {
        ctx.addIssue({
          code: "custom",
          message: "Enter a price like 120, 95.50 or 95,50 (at most two decimals)",
        });
      } else if (cents > MAX_PRICE_CENTS) {
        ctx.addIssue({ code: "custom", message: "Price must be at most 10,000,000.00" });
      }
    })
    .transform((value) => (value === null ? null : parsePriceToCents(value))),
);

const emailField = z.preprocess(
  (v) => blankToNull(trimmed(v)),
  z.email("Enter a valid e-mail address").max(200, "E-mail must be at most 200 characters").nullable(),
);

const PHONE_MESSAGE = "Enter a phone number of 6–20 characters: digits, spaces, + - ( )";

const phoneField = z.preprocess(
  (v) => blankToNull(trimmed(v)),
  z
    .string()
    .refine((v) => /^[0-9+\-() ]{6,20}$/.test(v) && /\d/.test(v), PHONE_MESSAGE)
    .nullable(),
);

const idText = z.preprocess(
  (v) => blankToNull(trimmed(v)),
  z
    .string()
    .max(200)
    .refine(...noControls("Technician"))
    .nullable(),
);

const descriptionField = z.preprocess(
  (v) => (v === null ? "" : trimmed(v)),
  z
    .string()
    .max(5000, "Description must be at most 5000 characters")
    .refine(...noControls("Description", ["\t", "\n", "\r"])),
);

const statusField = z.enum(WORK_ITEM_STATUSES, { error: "Choose a valid status" });
const priorityField = z.enum(WORK_ITEM_PRIORITIES, { error: "Choose a valid priority" });

const revisionField = z.coerce
  .number({ error: "Revision is missing" })
  .int("Revision is missing")
  .min(1, "Revision is missing");

/** Work item and task ids: lib/ids (integer columns). */
const idField = idSchema;

/** Every editable field of a work item, as the forms name them (`price` is a decimal string). */
const workItemShape = {
  title: requiredText("Title", 200),
  description: descriptionField,
  customerName: requiredText("Customer name", 200),
  customerEmail: emailField,
  customerPhone: phoneField,
  device: requiredText("Device", 200),
  serialNumber: optionalText("Serial number", 100),
  status: statusField,
  priority: priorityField,
  price: priceField,
  technicianId: idText,
};

type ShapeOutput = { [K in keyof typeof workItemShape]: z.output<(typeof workItemShape)[K]> };

export type WorkItemFields = Omit<ShapeOutput, "price"> & { priceCents: number | null };

function renamePrice<T extends { price?: number | null }>({ price, ...rest }: T) {
  return price === undefined ? rest : { ...rest, priceCents: price };
}

export const workItemCreateSchema = z
  .object({
    ...workItemShape,
    description: descriptionField.optional().default(""),
    status: statusField.optional().default("new"),
    priority: priorityField.optional().default("normal"),
    customerEmail: emailField.optional().default(null),
    customerPhone: phoneField.optional().default(null),
    serialNumber: optionalText("Serial number", 100).optional().default(null),
    price: priceField.optional().default(null),
    technicianId: idText.optional().default(null),
  })
  .transform((v) => renamePrice(v) as WorkItemFields);

const partialShape = z.object(workItemShape).partial().shape;

/** A save names the revision it edited; fields left out are not edited. */
export const workItemUpdateSchema = z
  .object({ ...partialShape, revision: revisionField })
  .transform((v) => renamePrice(v) as Partial<WorkItemFields> & { revision: number });

/** The update form also carries the work item id (a hidden field). */
export const workItemUpdateActionSchema = z
  .object({ ...partialShape, id: idField, revision: revisionField })
  .transform((v) => renamePrice(v) as Partial<WorkItemFields> & { id: number; revision: number });

const taskTitle = requiredText("Task title", 200);

const booleanish = z.union([
  z.boolean(),
  z.enum(["true", "false", "on", "off", "1", "0"]).transform((v) => v === "true" || v === "on" || v === "1"),
]);

export const taskCreateSchema = z.object({ workItemId: idField, title: taskTitle });
export const taskUpdateSchema = z.object({
  revision: revisionField,
  title: taskTitle.optional(),
  done: booleanish.optional(),
});
export const taskUpdateActionSchema = taskUpdateSchema.extend({ taskId: idField, workItemId: idField });

const STALE_MESSAGE_PREFIX = "Someone else saved this";

export function staleWorkItemMessage(currentRevision: number): string {
  return `Someone else saved this work item first (revision ${currentRevision}). Reload to see their changes — nothing was overwritten.`;
}

export function staleTaskMessage(currentRevision: number): string {
  return `Someone else saved this task first (revision ${currentRevision}). Reload to see their changes — nothing was overwritten.`;
}

export function isStaleMessage(message: string | undefined): boolean {
  return Boolean(message?.startsWith(STALE_MESSAGE_PREFIX));
}

export const NO_CHANGES_MESSAGE = "No changes — nothing to save.";
