import { describe, expect, it } from "vitest";
import { z } from "zod";
import { BIGINT_ID_MAX, bigintIdSchema, INT4_MAX, idSchema, idSchemaFor, parseId } from "@/lib/ids";

describe("parseId", () => {
  it("reads decimal digits from 1 to the int4 maximum", () => {
    expect(parseId("1")).toBe(1);
    expect(parseId("42")).toBe(42);
    expect(parseId("007")).toBe(7);
    expect(parseId("2147483647")).toBe(INT4_MAX);
    expect(parseId(42)).toBe(42);
    expect(parseId(INT4_MAX)).toBe(INT4_MAX);
  });

  it("refuses zero and anything past the int4 maximum", () => {
    for (const raw of ["0", "000", "2147483648", "99999999999", 0, INT4_MAX + 1]) {
      expect(parseId(raw), String(raw)).toBeNull();
    }
  });

  it("refuses anything but plain decimal digits", () => {
    const junk = [
      "",
      " 1",
      "1 ",
      "+1",
      "-1",
      "1.0",
      "1.5",
      "1e3",
      "0x10",
      "0b1",
      "１２", // full-width digits
      "١٢", // Arabic-Indic digits
      "12abc",
      "Infinity",
      "NaN",
      "9".repeat(400),
    ];
    for (const raw of junk) expect(parseId(raw), JSON.stringify(raw)).toBeNull();
  });

  it("refuses numbers that are not positive safe integers, and other types", () => {
    for (const raw of [-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 53]) {
      expect(parseId(raw), String(raw)).toBeNull();
    }
    for (const raw of [null, undefined, true, {}, [], ["1"], 1n]) {
      expect(parseId(raw), String(raw)).toBeNull();
    }
  });

  it("bigint ids (syncs) go up to Number.MAX_SAFE_INTEGER", () => {
    expect(parseId("2147483648", "bigint")).toBe(2_147_483_648);
    expect(parseId("99999999999", "bigint")).toBe(99_999_999_999);
    expect(parseId(String(BIGINT_ID_MAX), "bigint")).toBe(BIGINT_ID_MAX);
    expect(parseId("9007199254740992", "bigint")).toBeNull();
    expect(parseId("0", "bigint")).toBeNull();
    expect(parseId("-5", "bigint")).toBeNull();
  });
});

describe("idSchema", () => {
  it("parses what parseId accepts and refuses the rest with one clear message", () => {
    expect(idSchema.parse("12")).toBe(12);
    expect(idSchema.parse(12)).toBe(12);
    const schema = z.object({ id: idSchema });
    for (const id of [undefined, null, "", "0", "abc", "1.5", "99999999999", -3]) {
      const result = schema.safeParse(id === undefined ? {} : { id });
      expect(result.success, JSON.stringify(id)).toBe(false);
      if (!result.success) {
        expect(z.flattenError(result.error).fieldErrors.id).toEqual([
          "Not a valid id: expected a whole number from 1 to 2147483647",
        ]);
      }
    }
  });

  it("bigintIdSchema takes sync ids past the int4 range", () => {
    expect(bigintIdSchema.parse("99999999999")).toBe(99_999_999_999);
    expect(bigintIdSchema.safeParse("9007199254740992").success).toBe(false);
  });

  it("takes a message of its own for a form field", () => {
    const result = z.object({ integrationId: idSchemaFor({ message: "Choose an integration" }) }).safeParse({
      integrationId: "",
    });
    expect(result.success).toBe(false);
    if (!result.success) {
      expect(z.flattenError(result.error).fieldErrors.integrationId).toEqual(["Choose an integration"]);
    }
  });
});
