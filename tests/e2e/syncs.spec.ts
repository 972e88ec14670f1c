import { readFile } from "node:fs/promises";
import type { Download, Page } from "@playwright/test";
import { expect, snapshot, test } from "./fixtures";
import { pageAs } from "./session-cache";

const unique = () => Math.random().toString(36).slice(2, 8);
const RECEIVER = `http://localhost:${process.env.DEMO_RECEIVER_PORT ?? 3998}`;

const newPage = pageAs;

async function readDownload(download: Download): Promise<string> {
  const file = await download.path();
  return readFile(file, "utf8");
}

async function createWorkItem(page: Page, title: string): Promise<string> {
  await page.goto("/work-items/new");
  await page.getByLabel("Title", { exact: true }).fill(title);
  await page.getByLabel("Device", { exact: true }).fill("Pixel 8");
  await page.getByLabel("Customer name", { exact: true }).fill("Timeline Customer");
  await page.getByLabel("Price").fill("120");
  await page.getByRole("button", { name: "Create work item" }).click();
  await expect(page).toHaveURL(/\/work-items\/\d+/);
  return new URL(page.url()).pathname;
}

async function setIntegrationPaused(page: Page, name: string, paused: boolean) {
  await page.goto("/integrations");
  await page.getByRole("link", { name: `Manage ${name}` }).click();
  const toggle = page.getByRole("button", { name: /^(Pause|Resume) deliveries$/ });
  await expect(toggle).toBeVisible();
  if ((await toggle.textContent())?.includes(paused ? "Resume" : "Pause")) return;
  await toggle.click();
  await expect(
    page.getByRole("button", { name: paused ? "Resume deliveries" : "Pause deliveries" }),
  ).toBeVisible();
}

async function createIntegration(page: Page, name: string, url: string, events: string[]) {
  await page.goto("/integrations/new");
  await page.getByLabel("Name", { exact: true }).fill(name);
  await page.getByLabel("Webhook URL").fill(url);
  for (const box of await page.getByRole("group", { name: "Event types" }).getByRole("checkbox").all()) {
    await box.uncheck();
  }
  for (const label of events) await page.getByRole("checkbox", { name: new RegExp(`^${label}`) }).check();
  await page.getByRole("button", { name: "Create integration" }).click();
  await expect(page.getByLabel("Signing secret")).toHaveValue(/^whsec_/);
}

const filters = (page: Page) => page.getByRole("search", { name: "Filter syncs" });
const timelineOf = (page: Page) => page.getByRole("region", { name: "Sync timeline" });

test.describe("sync timeline", () => {
  test("a technician saves and the timeline shows waiting (integration paused), then synced, without a reload", async ({
    browser,
  }) => {
    test.setTimeout(120_000);
    const admin = await newPage(browser, "admin");
    // Hold deliveries so "pending" is certain to be seen, then let them go from another session.
    await setIntegrationPaused(admin, "demo-receiver", true);
    const page = await newPage(browser, "technician");
    try {
      const path = await createWorkItem(page, `Timeline ${unique()}`);
      await page.getByLabel("Price").fill("95.5");
      await page.getByRole("button", { name: "Save changes" }).click();

      const timeline = timelineOf(page);
      const save = timeline.getByRole("article", { name: /Tess Technician updated the work item/ });
      await expect(save.getByRole("listitem").filter({ hasText: "Price: 120.00 → 95.50" })).toBeVisible();
      const demo = save.getByRole("listitem").filter({ hasText: "demo-receiver" });
      // A paused integration's pending sync says what it waits for, not "Pending · 0 attempts".
      await expect(demo.getByText("Waiting", { exact: true })).toBeVisible();
      await expect(demo.getByText(/^Waiting: integration paused/)).toBeVisible();
      await expect(timeline.getByText("Deliveries pending — updating live")).toBeVisible();
      const url = page.url();

      await setIntegrationPaused(admin, "demo-receiver", false);
      await expect(demo.getByText("Synced")).toBeVisible({ timeout: 20_000 });
      await expect(demo.getByText("Waiting", { exact: true })).toHaveCount(0);
      const created = timeline.getByRole("article", { name: /created the work item/ });
      await expect(
        created.getByRole("listitem").filter({ hasText: "demo-receiver" }).getByText("Synced"),
      ).toBeVisible();
      expect(page.url()).toBe(url);
      expect(new URL(url).pathname).toBe(path);

      await save
        .getByRole("button", { name: /demo-receiver/ })
        .first()
        .click();
      const attempts = save.getByRole("list", { name: "Attempts" });
      await expect(attempts.getByText("HTTP 200")).toBeVisible();
      await expect(attempts.getByText("[redacted]").first()).toBeVisible();
      await snapshot(page, "timeline-expanded-1280");
    } finally {
      await setIntegrationPaused(admin, "demo-receiver", false).catch(() => {});
      await admin.context().close();
      await page.context().close();
    }
  });

  test("a failing receiver shows failed with its response; a manager resends after the fix and sees synced", async ({
    browser,
  }) => {
    test.setTimeout(120_000);
    const admin = await newPage(browser, "admin");
    const name = `broken-${unique()}`;
    await createIntegration(admin, name, `${RECEIVER}/nope`, ["Work item updated"]);

    const page = await newPage(browser, "technician");
    const path = await createWorkItem(page, `Failing ${unique()}`);
    await page.getByLabel("Title", { exact: true }).fill(`Failing ${unique()} edited`);
    await page.getByRole("button", { name: "Save changes" }).click();

    const save = timelineOf(page).getByRole("article", { name: /updated the work item/ });
    const row = save.getByRole("button", { name: new RegExp(name) });
    await expect(row.getByText("Failed")).toBeVisible({ timeout: 20_000 });
    await expect(row).toContainText("HTTP 404");
    await row.click();
    await expect(save.getByRole("region", { name: "Response body of attempt 1" })).toContainText(
      "POST webhooks to /hooks",
    );

    // The admin fixes the URL; a manager resends the failed sync.
    await admin.goto("/integrations");
    await admin.getByRole("link", { name: `Manage ${name}` }).click();
    await admin.getByLabel("Webhook URL").fill(`${RECEIVER}/hooks/${name}`);
    await admin.getByRole("button", { name: "Save changes" }).click();
    await expect(admin.getByText("Integration saved")).toBeVisible();
    await admin.context().close();

    const manager = await newPage(browser, "manager");
    await manager.goto(path);
    const managerSave = timelineOf(manager).getByRole("article", { name: /updated the work item/ });
    const managerRow = managerSave.getByRole("button", { name: new RegExp(name) });
    await expect(managerRow.getByText("Failed")).toBeVisible();
    await managerRow.click();
    await managerSave.getByRole("button", { name: "Resend" }).click();
    await expect(manager.getByText("Resend requested", { exact: false }).first()).toBeVisible();
    await expect(managerRow.getByText("Synced")).toBeVisible({ timeout: 20_000 });
    await expect(managerSave.getByText("Manual resend")).toBeVisible();
    await manager.context().close();
  });
});

test.describe("sync explorer", () => {
  test("filters, sorting and the page live in the URL and survive a reload", async ({ browser }) => {
    test.setTimeout(90_000);
    const page = await newPage(browser, "manager");
    await createWorkItem(page, `Explorer ${unique()}`);
    const reference = /RMA-\d{6}/.exec(
      (await page.getByRole("heading", { level: 1 }).textContent()) ?? "",
    )?.[0];
    expect(reference).toBeTruthy();
    await expect(
      timelineOf(page)
        .getByRole("button", { name: /demo-receiver/ })
        .getByText("Synced"),
    ).toBeVisible({ timeout: 20_000 });
    await page.goto("/syncs");
    await expect(page.getByRole("table", { name: "Syncs" })).toBeVisible();

    await page.getByLabel("Work item or object").fill(reference!);
    await page.getByRole("button", { name: "Apply filters" }).click();
    await expect(page).toHaveURL(new RegExp(`object=${reference}`));
    await page.getByRole("checkbox", { name: "Synced" }).check({ force: true });
    await expect(page).toHaveURL(/status=synced/);
    await filters(page)
      .getByRole("combobox", { name: "Integration" })
      .selectOption({ label: "demo-receiver" });
    await expect(page).toHaveURL(/integration=\d+/);
    await page.getByRole("button", { name: "Attempts" }).click();
    await expect(page).toHaveURL(/sort=attempts/);

    await page.reload();
    await expect(page.getByLabel("Work item or object")).toHaveValue(reference!);
    await expect(page.getByRole("checkbox", { name: "Synced" })).toBeChecked();
    await expect(filters(page).getByRole("combobox", { name: "Integration" })).toHaveValue(/\d+/);
    const table = page.getByRole("table", { name: "Syncs" });
    const rows = table.getByRole("row");
    await expect(rows.nth(1)).toContainText(reference!);
    await expect(rows.nth(1)).toContainText("Synced");

    await page.getByRole("link", { name: "By work item" }).click();
    await expect(page).toHaveURL(/view=objects/);
    await expect(page.getByRole("table", { name: "Syncs by work item" })).toBeVisible();
    await page.getByRole("link", { name: "Clear filters" }).first().click();
    const objects = page.getByRole("table", { name: "Syncs by work item" });
    await expect(objects.getByRole("row")).not.toHaveCount(1);
    await objects
      .getByRole("link", { name: /timeline$/ })
      .first()
      .click();
    await expect(page).toHaveURL(/\/work-items\/\d+/);
    await expect(timelineOf(page)).toBeVisible();
  });

  test("a manager exports the filtered explorer as CSV and a work item's timeline as CSV", async ({
    browser,
  }) => {
    test.setTimeout(60_000);
    const page = await newPage(browser, "manager");
    const path = await createWorkItem(page, `Export ${unique()}`);
    const reference = /RMA-\d{6}/.exec(
      (await page.getByRole("heading", { level: 1 }).textContent()) ?? "",
    )?.[0];
    await expect(
      timelineOf(page)
        .getByRole("button", { name: /demo-receiver/ })
        .getByText("Synced"),
    ).toBeVisible({ timeout: 20_000 });

    const timelineDownload = page.waitForEvent("download");
    await timelineOf(page).getByRole("link", { name: "Download the whole timeline as CSV" }).click();
    const timeline = await timelineDownload;
    expect(timeline.suggestedFilename()).toBe(`${reference}-timeline.csv`);
    const timelineLines = (await readDownload(timeline)).trimEnd().split("\r\n");
    expect(timelineLines[0]).toMatch(/^\uFEFFchanged_at_utc,subject,/);
    expect(timelineLines.some((l) => l.includes("demo-receiver") && l.includes(",synced,"))).toBe(true);

    await page.goto(`/syncs?object=${reference}&status=synced`);
    await expect(page.getByRole("table", { name: "Syncs" }).getByRole("row").nth(1)).toContainText(
      reference!,
    );
    const explorerDownload = page.waitForEvent("download");
    await page.getByRole("link", { name: "Export CSV" }).click();
    const explorer = await explorerDownload;
    expect(explorer.suggestedFilename()).toMatch(/^syncs-\d{8}-\d{4}\.csv$/);
    const [header, ...rows] = (await readDownload(explorer)).trimEnd().split("\r\n");
    expect(header).toMatch(/^\uFEFFsync_id,created_at_utc,integration,reference,/);
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) expect(row).toMatch(new RegExp(`,${reference},.*,synced,`));
    expect(path).toMatch(/^\/work-items\/\d+$/);
    await page.context().close();
  });

  test("a technician cannot open the explorer", async ({ browser }) => {
    const page = await newPage(browser, "technician");
    const response = await page.goto("/syncs");
    expect(response?.status()).toBe(403);
    await expect(page.getByRole("heading", { name: "You don’t have access to this page" })).toBeVisible();
  });
});

test.describe("recover failed syncs from a browser east of the server", () => {
  // The server runs in UTC here; UTC+14 is as far east as a browser gets.
  test.use({ timezoneId: "Pacific/Kiritimati" });

  /** A `datetime-local` value `minutes` from now, on this browser's wall clock. */
  const localInput = (page: Page, minutes: number) =>
    page.evaluate((m) => {
      const d = new Date(Date.now() + m * 60_000);
      const pad = (n: number) => String(n).padStart(2, "0");
      return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
    }, minutes);
  const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
  /** `2026-12-03T05:13` → `3 Dec 05:13`. */
  const label = (value: string) => {
    const [, month, day, time] = /^\d{4}-(\d{2})-(\d{2})T(\d{2}:\d{2})$/.exec(value)!;
    return `${Number(day)} ${MONTHS[Number(month) - 1]} ${time}`;
  };

  test("a manager previews what will be recovered in their own time zone, confirms, and the sync goes out", async ({
    browser,
  }) => {
    test.setTimeout(120_000);
    const admin = await newPage(browser, "admin");
    const name = `east-${unique()}`;
    await createIntegration(admin, name, `${RECEIVER}/nope`, ["Work item updated"]);

    const technician = await newPage(browser, "technician");
    const path = await createWorkItem(technician, `Recover ${unique()}`);
    await technician.getByLabel("Title", { exact: true }).fill(`Recover ${unique()} edited`);
    await technician.getByRole("button", { name: "Save changes" }).click();
    const row = timelineOf(technician)
      .getByRole("article", { name: /updated the work item/ })
      .getByRole("button", { name: new RegExp(name) });
    await expect(row.getByText("Failed")).toBeVisible({ timeout: 20_000 });
    await technician.context().close();

    await admin.goto("/integrations");
    await admin.getByRole("link", { name: `Manage ${name}` }).click();
    await admin.getByLabel("Webhook URL").fill(`${RECEIVER}/hooks/${name}`);
    await admin.getByRole("button", { name: "Save changes" }).click();
    await expect(admin.getByText("Integration saved")).toBeVisible();
    await admin.context().close();

    const manager = await newPage(browser, "manager");
    expect(await manager.evaluate(() => Intl.DateTimeFormat().resolvedOptions().timeZone)).toBe(
      "Pacific/Kiritimati",
    );
    await manager.goto("/syncs");
    const form = manager.getByRole("form", { name: "Recover failed syncs" });
    // The page reads typed times in the browser's zone once the browser has reported it.
    await expect(form.getByText(/\(Pacific\/Kiritimati\)$/)).toBeVisible();
    await expect(form.getByLabel("Integration")).toHaveValue("all");
    await form.getByLabel("Integration").selectOption({ label: name });
    const since = form.getByLabel("Failed since");

    // Two hours ahead on this browser's clock is refused, and what was typed stays.
    const ahead = await localInput(manager, 120);
    await since.fill(ahead);
    await form.getByRole("button", { name: "Preview recovery" }).click();
    await expect(form.getByText("The start time is in the future")).toBeVisible();
    await expect(since).toHaveValue(ahead);

    // An hour ago on this browser's clock is an hour ago: the server sees it as such.
    const anHourAgo = await localInput(manager, -60);
    await since.fill(anHourAgo);
    await form.getByRole("button", { name: "Preview recovery" }).click();
    await expect(
      form.getByText(`Recover 1 failed sync of ${name} created since ${label(anHourAgo)} (UTC+14:00)`),
    ).toBeVisible();
    await snapshot(manager, "recover-preview-1280");
    await form.getByRole("button", { name: "Confirm recovery" }).click();
    await expect(form.getByText("Recovering 1 failed sync")).toBeVisible();
    await expect(since).toHaveValue(anHourAgo);

    await manager.goto(path);
    const managerRow = timelineOf(manager)
      .getByRole("article", { name: /updated the work item/ })
      .getByRole("button", { name: new RegExp(name) });
    await expect(managerRow.getByText("Synced")).toBeVisible({ timeout: 20_000 });
    await manager.context().close();
  });
});
