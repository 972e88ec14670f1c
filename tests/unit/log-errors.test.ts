import { DrizzleQueryError } from "drizzle-orm/errors";
import { describe, expect, it } from "vitest";
import { serializeError } from "@/lib/log-errors";

const SECRET = "whsec_c2VjcmV0LXZhbHVl";

function queryError() {
  const cause = Object.assign(
    new Error('duplicate key value violates unique constraint "integrations_name_key"'),
    {
      code: "23505",
      detail: "Key (name)=(Twin hook) already exists.",
      params: ["Twin hook", SECRET],
    },
  );
  return new DrizzleQueryError(
    'insert into "integrations" ("name", "secret") values ($1, $2)',
    ["Twin hook", SECRET],
    cause,
  );
}

describe("the error serializer", () => {
  it("drops drizzle's bound values from the message, the stack, params and the cause", () => {
    const out = serializeError(queryError()) as Record<string, unknown>;
    const text = JSON.stringify(out);
    expect(text).not.toContain(SECRET);
    expect(out.message).toBe(
      'Failed query: insert into "integrations" ("name", "secret") values ($1, $2)\nparams: [not logged]',
    );
    expect(out.stack).toMatch(/^Error: Failed query: .*\nparams: \[not logged\]\n {4}at /s);
    expect(out).not.toHaveProperty("params");
    expect(out.cause).toMatchObject({ code: "23505", detail: "Key (name)=(…) already exists." });
  });

  it("cleans an error passed as its message string (the outbox and fan-out log those)", () => {
    expect(serializeError(queryError().message)).toBe(
      'Failed query: insert into "integrations" ("name", "secret") values ($1, $2)\nparams: [not logged]',
    );
  });

  it("hides the row PostgreSQL quotes for a failed check", () => {
    const error = Object.assign(new Error("new row violates check constraint"), {
      detail: "Failing row contains (1, Ana, ana@example.com, +44 20 7946 0123).",
    });
    expect(serializeError(error)).toMatchObject({ detail: "Failing row contains (…)." });
  });

  it("leaves values that are not errors alone", () => {
    expect(serializeError({ code: 1 })).toEqual({ code: 1 });
    expect(serializeError(undefined)).toBeUndefined();
  });
});
