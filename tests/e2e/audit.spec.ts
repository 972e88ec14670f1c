import { expect, snapshot, test } from "./fixtures";
import { pageAs } from "./session-cache";

test.describe("audit log", () => {
  test("a manager's resend in the browser is on the sync's page and in the admins' audit log, filtered by the URL", async ({
    browser,
  }) => {
    test.setTimeout(90_000);
    // A fresh work item, delivered to the demo receiver: the sync the manager will resend.
    const technician = await pageAs(browser, "technician");
    const created = await technician.request.post("/api/v1/work-items", {
      data: { title: `Audit ${Date.now()}`, customerName: "Ana Novak", device: "Pixel 8" },
    });
    expect(created.status()).toBe(201);
    const { workItem } = (await created.json()) as { workItem: { reference: string } };
    const manager = await pageAs(browser, "manager");
    const delivered = manager
      .getByRole("table", { name: "Syncs" })
      .getByRole("link", { name: /^Sync \d+,/ })
      .first();
    await expect(async () => {
      await manager.goto(`/syncs?object=${workItem.reference}&status=synced`);
      await expect(delivered).toBeVisible({ timeout: 1_000 });
    }).toPass({ timeout: 30_000 });
    await delivered.click();
    await expect(manager).toHaveURL(/\/syncs\/\d+$/);
    const syncId = new URL(manager.url()).pathname.split("/").pop() ?? "";
    const activity = manager.getByRole("region", { name: "Activity" });
    await expect(activity).toBeVisible();

    await manager.getByRole("button", { name: "Resend" }).click();
    await expect(manager.getByText("Resend requested", { exact: false }).first()).toBeVisible();
    await expect(
      activity.getByText(/^Resent by Mara Manager at \d+ \w+ \d{4}, \d\d:\d\d [A-Z][A-Z0-9:+-]+$/).first(),
    ).toBeVisible();
    await snapshot(manager, "sync-activity-manager-1280");
    // Managers read who acted here, but the whole log is the admins'.
    await expect(activity.getByRole("link", { name: "Audit log" })).toHaveCount(0);
    await expect(manager.getByRole("link", { name: "Audit log" })).toHaveCount(0);

    const admin = await pageAs(browser, "admin");
    await admin.goto("/");
    await admin.getByRole("link", { name: "Audit log" }).click();
    await expect(admin.getByRole("heading", { level: 1, name: "Audit log" })).toBeVisible();
    await admin.getByLabel("Action").selectOption({ label: "Resend a sync" });
    await expect(admin).toHaveURL(/\/admin\/audit\?action=sync\.resend$/);
    const log = admin.getByRole("table", { name: "Audit log" });
    const entry = log
      .getByRole("row")
      .filter({ has: admin.getByRole("link", { name: new RegExp(`^sync ${syncId} \\(`) }) });
    await expect(entry.first()).toContainText("Mara Manager");
    await expect(entry.first()).toContainText("Resend a sync");
    await expect(entry.first()).toContainText("Done");
    await snapshot(admin, "audit-log-1280");

    // The filter survives a reload and narrows by person; the target link leads back to the sync.
    await admin.reload();
    await expect(admin.getByLabel("Action")).toHaveValue("sync.resend");
    await admin.getByLabel("Target", { exact: true }).fill(`sync ${syncId} (`);
    await admin.getByRole("button", { name: "Apply filters" }).click();
    await expect(admin).toHaveURL(new RegExp(`target=sync\\+${syncId}\\+%28`));
    await expect(log.getByRole("row")).toHaveCount(1 + (await entry.count()));
    await entry.first().getByRole("link").click();
    await expect(admin).toHaveURL(new RegExp(`/syncs/${syncId}$`));
    await expect(
      admin.getByRole("region", { name: "Activity" }).getByRole("link", { name: "Audit log" }),
    ).toHaveAttribute("href", `/admin/audit?type=sync&target=${syncId}`);

    const narrow = await pageAs(browser, "admin", { width: 390, height: 844 });
    await narrow.goto("/admin/audit?action=sync.resend");
    // On a phone, one card per entry instead of the table.
    await expect(narrow.getByRole("table", { name: "Audit log" })).toBeHidden();
    await expect(narrow.getByRole("list", { name: "Audit log" }).getByRole("listitem").first()).toContainText(
      "Resend a sync",
    );
    await snapshot(narrow, "audit-log-390");

    // Nothing matching says so and offers the way back.
    await admin.goto("/admin/audit?action=user.reactivate&from=2999-01-01");
    await expect(admin.getByText("No entries match")).toBeVisible();
  });

  test("an admin adds a user and deactivates them: both acts are in the log with the role given", async ({
    browser,
  }) => {
    const admin = await pageAs(browser, "admin");
    const email = `rui-${Date.now()}@fixed.test`;
    await admin.goto("/admin/users");
    await admin.getByLabel("Name").fill("Rui Repairs");
    await admin.getByLabel("Email").fill(email);
    await admin.getByLabel("Role", { exact: true }).selectOption("manager");
    await admin.getByLabel("Initial password").fill("rui-initial-pass");
    await admin.getByRole("button", { name: "Create user" }).click();
    await expect(admin.getByText("Rui Repairs can now sign in as manager.")).toBeVisible();
    const row = admin.getByRole("row", { name: "Rui Repairs" });
    await expect(row.getByRole("link", { name: "History of Rui Repairs" })).toBeVisible();
    await snapshot(admin, "users-with-history-1280");
    await row.getByRole("button", { name: "Deactivate Rui Repairs" }).click();
    await row.getByRole("button", { name: "Yes, deactivate" }).click();
    await expect(row).toContainText("Deactivated");

    // From the user's row to their history; the e-mail finds the same entries.
    await row.getByRole("link", { name: "History of Rui Repairs" }).click();
    await expect(admin).toHaveURL(/\/admin\/audit\?type=user&target=[\w-]+$/);
    await expect(admin.getByRole("table", { name: "Audit log" }).getByRole("row")).toHaveCount(3);
    await admin.goto(`/admin/audit?type=user&target=${encodeURIComponent(email)}`);
    const rows = admin.getByRole("table", { name: "Audit log" }).getByRole("row");
    await expect(rows).toHaveCount(3);
    await expect(rows.nth(1)).toContainText("Deactivate a user");
    await expect(rows.nth(2)).toContainText("Add a user");
    await expect(rows.nth(2)).toContainText(`Rui Repairs <${email}>`);
    await expect(rows.nth(2)).toContainText("Role:manager");
    await expect(admin.getByRole("table", { name: "Audit log" })).not.toContainText("rui-initial-pass");
  });
});
