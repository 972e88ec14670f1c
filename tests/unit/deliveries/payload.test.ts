import { describe, expect, it } from "vitest";
import { buildWebhookBody, serializeBody } from "@/server/deliveries/payload";

const INPUT = {
  changeEventId: "0b6c6f0e-1",
  type: "task_updated",
  occurredAt: new Date("2026-03-04T05:06:07.000Z"),
  revision: 3,
  workItem: { reference: "RMA-000123", status: "in_progress" },
  task: { id: 9, title: "Replace screen", done: true },
  changes: { done: { from: false, to: true } },
  actor: { id: "u1", name: "Ana" },
};

describe("buildWebhookBody", () => {
  it("builds the documented envelope", () => {
    expect(buildWebhookBody(INPUT)).toEqual({
      id: "0b6c6f0e-1",
      type: "task_updated",
      occurred_at: "2026-03-04T05:06:07.000Z",
      revision: 3,
      work_item: INPUT.workItem,
      task: INPUT.task,
      changes: INPUT.changes,
      actor: INPUT.actor,
    });
  });

  it("leaves task out for work item events", () => {
    const body = buildWebhookBody({ ...INPUT, type: "workitem_updated", task: null });
    expect("task" in body).toBe(false);
    expect(JSON.parse(serializeBody(body))).not.toHaveProperty("task");
  });
});

describe("serializeBody", () => {
  it("gives the same bytes whatever order the keys came in", () => {
    const body = buildWebhookBody(INPUT);
    const shuffled = JSON.parse(
      JSON.stringify({
        actor: { name: "Ana", id: "u1" },
        changes: body.changes,
        task: { title: "Replace screen", done: true, id: 9 },
        work_item: { status: "in_progress", reference: "RMA-000123" },
        revision: 3,
        occurred_at: body.occurred_at,
        type: body.type,
        id: body.id,
      }),
    );
    expect(serializeBody(shuffled)).toBe(serializeBody(body));
    expect(serializeBody(body).startsWith('{"id":"0b6c6f0e-1","type":"task_updated","occurred_at"')).toBe(
      true,
    );
  });
});
