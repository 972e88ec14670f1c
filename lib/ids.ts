import { z } from "zod";

/**
 * The one way ids from outside (a URL segment, a form field, a JSON body, a search param) become
 * numbers. An id the database could not hold is refused here, so it never reaches a query: PostgreSQL
 * answers an out-of-range `integer` with an error, not with "no such row".
 */

/** The largest PostgreSQL `integer` (int4): work_items.id, tasks.id, integrations.id. */
export const INT4_MAX = 2_147_483_647;

/**
 * integration_syncs.id is a `bigint` read in drizzle's "number" mode, so it is exact only up to
 * Number.MAX_SAFE_INTEGER; that is the bound for sync ids.
 */
export const BIGINT_ID_MAX = Number.MAX_SAFE_INTEGER;

/** The column type of the id: `integer` (int4, the default) or `bigint` (sync ids). */
export type IdColumn = "integer" | "bigint";

const MAX: Record<IdColumn, number> = { integer: INT4_MAX, bigint: BIGINT_ID_MAX };

const DIGITS = /^[0-9]+$/;

/**
 * A string of ASCII decimal digits only (no sign, spaces, decimal point, exponent or hex), or an
 * integer number, from 1 to the column's maximum; anything else is null. Leading zeros are fine
 * ("007" is 7), as the pages' old patterns allowed.
 */
export function parseId(raw: unknown, column: IdColumn = "integer"): number | null {
  let n: number;
  if (typeof raw === "string") {
    if (!DIGITS.test(raw)) return null;
    n = Number(raw);
  } else if (typeof raw === "number") {
    n = raw;
  } else {
    return null;
  }
  return Number.isSafeInteger(n) && n >= 1 && n <= MAX[column] ? n : null;
}

function idMessage(column: IdColumn = "integer"): string {
  return `Not a valid id: expected a whole number from 1 to ${MAX[column]}`;
}

/** The zod form of parseId, for action and API schemas: a string or number in, the id out. */
export function idSchemaFor({
  column = "integer",
  message = idMessage(column),
}: {
  column?: IdColumn;
  message?: string;
} = {}) {
  return z.union([z.string(), z.number()], { error: message }).transform((raw, ctx) => {
    const id = parseId(raw, column);
    if (id === null) {
      ctx.issues.push({ code: "custom", message, input: raw });
      return z.NEVER;
    }
    return id;
  });
}

/** An `integer` id (work items, tasks, integrations). */
export const idSchema = idSchemaFor();

/** A `bigint` id (syncs). */
export const bigintIdSchema = idSchemaFor({ column: "bigint" });
