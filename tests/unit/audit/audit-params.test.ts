import { describe, expect, it } from "vitest";
import { auditDetails, describeAuditEntry } from "@/components/audit/labels";
import { auditQuery, DEFAULT_AUDIT_PARAMS, parseAuditParams } from "@/server/audit/params";

describe("audit page filters in the URL", () => {
  it("round-trips every filter and leaves the defaults out", () => {
    const query =
      "?action=sync.resend&actor=user-1&type=sync&target=RMA-000123&from=2026-12-01&to=2026-12-03&page=2";
    const params = parseAuditParams(new URLSearchParams(query));
    expect(params).toEqual({
      page: 2,
      action: "sync.resend",
      actor: "user-1",
      targetType: "sync",
      target: "RMA-000123",
      from: "2026-12-01",
      to: "2026-12-03",
    });
    expect(auditQuery(params)).toBe(query);
    expect(auditQuery(DEFAULT_AUDIT_PARAMS)).toBe("");
  });

  it("ignores what it does not know instead of failing the page", () => {
    const params = parseAuditParams({
      action: "drop table",
      type: "work_item",
      from: "yesterday",
      to: "2026-13-45",
      page: "-3",
      actor: "  ",
      target: "x".repeat(500),
    });
    expect(params).toEqual({ ...DEFAULT_AUDIT_PARAMS, target: "x".repeat(100) });
  });
});

describe("audit entry wording", () => {
  it("tells who resent a sync and when (in the reader's zone, labelled), and why a refusal was refused", () => {
    const at = "2026-12-03T09:42:00.000Z";
    const base = { at, actorName: "Mara Manager", action: "sync.resend" as const, message: null };
    expect(describeAuditEntry({ ...base, outcome: "succeeded" }, "Europe/Berlin")).toBe(
      "Resent by Mara Manager at 3 Dec 2026, 10:42 CET",
    );
    expect(describeAuditEntry({ ...base, outcome: "succeeded" }, "UTC")).toBe(
      "Resent by Mara Manager at 3 Dec 2026, 09:42 UTC",
    );
    expect(
      describeAuditEntry(
        {
          ...base,
          outcome: "refused",
          message: "Only a synced or failed sync can be resent",
        },
        "Europe/Berlin",
      ),
    ).toBe(
      "Resend a sync by Mara Manager refused at 3 Dec 2026, 10:42 CET: Only a synced or failed sync can be resent",
    );
  });

  it("reads a role change as from → to and a recovery's integrations by name", () => {
    expect(auditDetails({ from: "technician", to: "manager" }, "UTC")).toEqual([
      { label: "Role", value: "technician → manager" },
    ]);
    expect(
      auditDetails(
        {
          count: 3,
          integrations: [{ id: 1, name: "n8n", count: 3 }],
          noticeId: 4,
          automatic: true,
        },
        "UTC",
      ),
    ).toEqual([
      { label: "Syncs", value: "3" },
      { label: "Integrations", value: "n8n (3)" },
      { label: "Automatic", value: "yes" },
    ]);
  });
});
