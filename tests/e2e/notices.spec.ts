import { expect, snapshot, test } from "./fixtures";
import { pageAs } from "./session-cache";

const unique = () => Math.random().toString(36).slice(2, 8);

test.describe("notices", () => {
  test("a receiver down past AUTO_PAUSE_FAILURES: managers see the banner until one acknowledges it, technicians never", async ({
    browser,
  }) => {
    test.setTimeout(120_000);
    const name = `down-${unique()}`;
    const admin = await pageAs(browser, "admin");
    await admin.goto("/integrations/new");
    await admin.getByLabel("Name", { exact: true }).fill(name);
    // Nothing listens on port 9: every try is refused and retried (every 200 ms in the e2e engine).
    await admin.getByLabel("Webhook URL").fill("http://localhost:9/hooks/down");
    await admin.getByRole("button", { name: "Create integration" }).click();
    await expect(admin.getByLabel("Signing secret")).toHaveValue(/^whsec_/);

    // Four saves: four syncs of 21 tries each pass the default 50 failed attempts in a row.
    const technician = await pageAs(browser, "technician");
    for (let i = 0; i < 4; i++) {
      const res = await technician.request.post("/api/v1/work-items", {
        data: { title: `Down ${name} ${i}`, customerName: "Ana Novak", device: "Pixel 8" },
      });
      expect(res.status()).toBe(201);
    }

    const manager = await pageAs(browser, "manager");
    const banner = manager.getByRole("region", { name: "Notices" });
    const notice = banner.getByRole("listitem").filter({ hasText: name });
    await expect(async () => {
      await manager.goto("/");
      await expect(notice).toBeVisible({ timeout: 1_000 });
    }).toPass({ timeout: 60_000 });
    await expect(notice).toContainText(`Integration ${name} is paused`);
    await expect(notice).toContainText(
      /Paused automatically: 5\d failed attempts in a row since .* UTC; last: .*ECONNREFUSED/,
    );
    // Managers cannot open integrations: the link goes to its deliveries.
    await expect(notice.getByRole("link", { name })).toHaveAttribute("href", /^\/syncs\?integration=\d+$/);
    await snapshot(manager, "notice-banner-manager-1280");
    const narrow = await pageAs(browser, "manager", { width: 390, height: 844 });
    await narrow.goto("/");
    await expect(narrow.getByRole("region", { name: "Notices" }).getByText(name)).toBeVisible();
    await snapshot(narrow, "notice-banner-manager-390");

    await technician.goto("/");
    await expect(technician.getByRole("heading", { level: 1 })).toBeVisible();
    await expect(technician.getByRole("region", { name: "Notices" })).toHaveCount(0);

    // Admins link to the integration itself.
    await admin.goto("/");
    const adminNotice = admin
      .getByRole("region", { name: "Notices" })
      .getByRole("listitem")
      .filter({ hasText: name });
    await expect(adminNotice.getByRole("link", { name })).toHaveAttribute("href", /^\/integrations\/\d+$/);

    await notice.getByRole("button", { name: `Acknowledge: ${name} paused` }).click();
    await expect(manager.getByText("Acknowledged", { exact: true })).toBeVisible();
    await expect(notice).toHaveCount(0);
    await manager.reload();
    await expect(manager.getByRole("heading", { level: 1 })).toBeVisible();
    await expect(notice).toHaveCount(0);

    // Gone for everyone; the integration's page says who took it on.
    await admin.goto("/integrations");
    await admin.getByRole("link", { name: `Manage ${name}` }).click();
    await expect(admin.getByText("Deliveries are paused")).toBeVisible();
    await expect(admin.getByText(/Acknowledged by Mara Manager at/)).toBeVisible();
    await admin.goto("/");
    await expect(admin.getByRole("region", { name: "Notices" }).getByText(name)).toHaveCount(0);

    // The receiver is fixed and the integration resumed: everything it missed goes out, and no later
    // test meets syncs that stay pending forever.
    await admin.goto("/integrations");
    await admin.getByRole("link", { name: `Manage ${name}` }).click();
    const integrationPath = new URL(admin.url()).pathname;
    await admin.getByLabel("Webhook URL").fill(`http://localhost:3998/hooks/${name}`);
    await admin.getByRole("button", { name: "Save changes" }).click();
    await expect(admin.getByText("Integration saved")).toBeVisible();
    await admin.getByRole("button", { name: "Resume deliveries" }).click();
    await expect(admin.getByRole("button", { name: "Pause deliveries" })).toBeVisible();
    const pending = `/syncs?integration=${integrationPath.split("/").pop()}&status=pending`;
    await expect(async () => {
      await manager.goto(pending);
      await expect(manager.getByText("No syncs match")).toBeVisible({ timeout: 1_000 });
    }).toPass({ timeout: 30_000 });
  });
});
