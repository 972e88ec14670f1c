/** Keys Next adds to a form submitted to a server action; they are not user input. */
const NEXT_INTERNAL_KEY = /^\$ACTION_/;
/** Never echoed back to the browser in `values`. */
const SECRET_KEY = /password|secret|token/i;

type FormValue = string | File;
export type FormObject = Record<string, FormValue | FormValue[]>;

/** FormData → plain object: strings (and files) as they came; a repeated key becomes an array. */
export function formDataToObject(formData: FormData): FormObject {
  const out: FormObject = {};
  for (const [key, value] of formData.entries()) {
    if (NEXT_INTERNAL_KEY.test(key)) continue;
    const existing = out[key];
    if (existing === undefined) out[key] = value;
    else if (Array.isArray(existing)) existing.push(value);
    else out[key] = [existing, value];
  }
  return out;
}

/**
 * What the user typed, to refill a form after a refused submit: string fields only (the last
 * value of a repeated key joined with commas), never passwords or other secrets.
 */
export function echoValues(input: unknown): Record<string, string> {
  const values: Record<string, string> = {};
  if (!input || typeof input !== "object") return values;
  for (const [key, value] of Object.entries(input as Record<string, unknown>)) {
    if (SECRET_KEY.test(key)) continue;
    if (typeof value === "string") values[key] = value;
    else if (typeof value === "number" || typeof value === "boolean") values[key] = String(value);
    else if (Array.isArray(value) && value.every((v) => typeof v === "string")) values[key] = value.join(",");
  }
  return values;
}
