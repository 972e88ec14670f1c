import { describe, expect, it } from "vitest";
import { z } from "zod";
import {
  formatCents,
  parsePriceToCents,
  staleWorkItemMessage,
  taskCreateSchema,
  taskUpdateSchema,
  workItemCreateSchema,
  workItemUpdateSchema,
} from "@/server/work-items/validation";

const valid = {
  title: "Replace cracked screen",
  description: "Customer dropped it",
  customerName: "Ada Lovelace",
  customerEmail: "ada@example.com",
  customerPhone: "+44 (20) 7946-0958",
  device: "iPhone 14",
  serialNumber: "F2LXK0Q1N72J",
  status: "new",
  priority: "express",
  price: "95.50",
  technicianId: "",
};

function fieldErrors(schema: z.ZodType, input: unknown) {
  const result = schema.safeParse(input);
  if (result.success) return {};
  return z.flattenError(result.error).fieldErrors as Record<string, string[]>;
}

const PRICE_MESSAGE = "Enter a price like 120, 95.50 or 95,50 (at most two decimals)";

describe("work item create schema", () => {
  it("accepts a complete form and turns the price into integer cents", () => {
    const parsed = workItemCreateSchema.parse(valid);
    expect(parsed).toMatchObject({ title: "Replace cracked screen", priceCents: 9550, technicianId: null });
    expect(parsed).not.toHaveProperty("price");
  });

  it("fills defaults and turns blank optional fields into null", () => {
    const parsed = workItemCreateSchema.parse({
      title: "  Battery swap ",
      customerName: "Bob",
      device: "Pixel 7",
      customerEmail: "",
      customerPhone: " ",
      serialNumber: "",
      price: "",
    });
    expect(parsed).toEqual({
      title: "Battery swap",
      description: "",
      customerName: "Bob",
      customerEmail: null,
      customerPhone: null,
      device: "Pixel 7",
      serialNumber: null,
      status: "new",
      priority: "normal",
      priceCents: null,
      technicianId: null,
    });
  });

  it("requires title, customer name and device", () => {
    const errors = fieldErrors(workItemCreateSchema, {
      ...valid,
      title: " ",
      customerName: "",
      device: undefined,
    });
    expect(errors.title).toEqual(["Title is required"]);
    expect(errors.customerName).toEqual(["Customer name is required"]);
    expect(errors.device).toEqual(["Device is required"]);
  });

  it("limits lengths", () => {
    const errors = fieldErrors(workItemCreateSchema, {
      ...valid,
      title: "x".repeat(201),
      description: "x".repeat(5001),
      customerName: "x".repeat(201),
      serialNumber: "x".repeat(101),
    });
    expect(Object.keys(errors).sort()).toEqual(["customerName", "description", "serialNumber", "title"]);
    expect(workItemCreateSchema.safeParse({ ...valid, title: "x".repeat(200) }).success).toBe(true);
  });

  it("rejects an invalid e-mail and phone", () => {
    const errors = fieldErrors(workItemCreateSchema, {
      ...valid,
      customerEmail: "ada@",
      customerPhone: "12ab45",
    });
    expect(errors.customerEmail).toEqual(["Enter a valid e-mail address"]);
    expect(errors.customerPhone).toHaveLength(1);
    expect(
      fieldErrors(workItemCreateSchema, { ...valid, customerPhone: "12345" }).customerPhone,
    ).toHaveLength(1);
    expect(
      fieldErrors(workItemCreateSchema, { ...valid, customerPhone: "1".repeat(21) }).customerPhone,
    ).toHaveLength(1);
    expect(
      fieldErrors(workItemCreateSchema, { ...valid, customerPhone: "+-()  " }).customerPhone,
    ).toHaveLength(1);
  });

  it("rejects unknown status and priority", () => {
    const errors = fieldErrors(workItemCreateSchema, { ...valid, status: "done", priority: "urgent" });
    expect(errors.status).toEqual(["Choose a valid status"]);
    expect(errors.priority).toEqual(["Choose a valid priority"]);
  });

  it.each([
    ["120", 12000],
    ["95.5", 9550],
    ["95.50", 9550],
    ["0", 0],
    ["0.01", 1],
    ["10000000.00", 1_000_000_000],
    // The shop's own way of writing it: a decimal comma, grouping with the other separator, spaces.
    ["149,90", 14990],
    ["12,5", 1250],
    ["1.234,56", 123456],
    ["1,234.56", 123456],
    ["1 234,56", 123456],
    ["1\u00a0234,56", 123456],
    ["1.234.567,00", 123456700],
  ])("parses price %s as %i cents", (price, cents) => {
    expect(workItemCreateSchema.parse({ ...valid, price }).priceCents).toBe(cents);
  });

  it.each([
    ["-1", "Price cannot be negative"],
    ["95.555", PRICE_MESSAGE],
    ["abc", PRICE_MESSAGE],
    // "1.234" and "1,234" could be either grouping or decimals: refused, not guessed.
    ["1.234", PRICE_MESSAGE],
    ["1,234", PRICE_MESSAGE],
    ["1.234.56", PRICE_MESSAGE],
    ["1,234,56", PRICE_MESSAGE],
    ["12,34.56", PRICE_MESSAGE],
    ["1.234,567", PRICE_MESSAGE],
    ["10000000.01", "Price must be at most 10,000,000.00"],
  ])("rejects price %s", (price, message) => {
    expect(fieldErrors(workItemCreateSchema, { ...valid, price }).price).toEqual([message]);
  });
});

describe("work item update schema", () => {
  it("needs a revision and leaves out fields that were not sent", () => {
    expect(workItemUpdateSchema.parse({ revision: "3", status: "resolved" })).toEqual({
      revision: 3,
      status: "resolved",
    });
    expect(fieldErrors(workItemUpdateSchema, { status: "resolved" }).revision).toEqual([
      "Revision is missing",
    ]);
  });

  it("clears the price when the field is blank", () => {
    expect(workItemUpdateSchema.parse({ revision: 2, price: "" })).toEqual({ revision: 2, priceCents: null });
  });
});

describe("task schemas", () => {
  it("requires a task title of 1–200 characters", () => {
    expect(taskCreateSchema.parse({ workItemId: "4", title: " Order screen " })).toEqual({
      workItemId: 4,
      title: "Order screen",
    });
    expect(fieldErrors(taskCreateSchema, { workItemId: 4, title: "" }).title).toEqual([
      "Task title is required",
    ]);
    expect(fieldErrors(taskCreateSchema, { workItemId: 4, title: "x".repeat(201) }).title).toHaveLength(1);
  });

  it("reads done from form strings", () => {
    expect(taskUpdateSchema.parse({ revision: "1", done: "true" })).toEqual({ revision: 1, done: true });
    expect(taskUpdateSchema.parse({ revision: "1", done: "false" })).toEqual({ revision: 1, done: false });
  });
});

describe("money helpers", () => {
  it("round-trips cents through the form format", () => {
    expect(formatCents(9550)).toBe("95.50");
    expect(formatCents(null)).toBe("");
    expect(parsePriceToCents(formatCents(123456))).toBe(123456);
  });

  it("words the stale message with the current revision", () => {
    expect(staleWorkItemMessage(4)).toBe(
      "Someone else saved this work item first (revision 4). Reload to see their changes — nothing was overwritten.",
    );
  });
});
