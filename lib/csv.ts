/**
 * CSV as spreadsheets read it (RFC 4180): fields quoted when they hold a comma, quote or line break, quotes
 * doubled, CRLF between rows. A text field that starts like a formula (`=`, `+`, `-`, `@`, tab, CR) gets a
 * leading `'`, so a receiver's error message cannot run as a formula in Excel or Sheets (CSV injection).
 */

/** Excel reads a UTF-8 CSV as UTF-8 only with a byte-order mark; other tools ignore it. */
export const CSV_BOM = "\uFEFF";

type Cell = string | number | boolean | null | undefined;

function field(value: Cell): string {
  if (value === null || value === undefined) return "";
  if (typeof value !== "string") return String(value);
  const text = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export function csvRow(values: readonly Cell[]): string {
  return `${values.map(field).join(",")}\r\n`;
}
