import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Locator, Page } from "@playwright/test";
import { expect, signIn, snapshot, test } from "./fixtures";
import { pageAs } from "./session-cache";

const unique = () => Math.random().toString(36).slice(2, 8);
const BERLIN = "Europe/Berlin";

/** "06:28" and "CET"/"CEST": the Berlin wall clock of an instant, computed here, not by the app. */
function berlin(iso: string): { clock: string; label: string } {
  const parts = new Intl.DateTimeFormat("en-US", {
    timeZone: BERLIN,
    hour: "2-digit",
    minute: "2-digit",
    hourCycle: "h23",
    timeZoneName: "longOffset",
  }).formatToParts(new Date(iso));
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? "";
  return {
    clock: `${get("hour")}:${get("minute")}`,
    label: get("timeZoneName") === "GMT+02:00" ? "CEST" : "CET",
  };
}

function tokyoClock(iso: string): string {
  return new Intl.DateTimeFormat("en-US", {
    timeZone: "Asia/Tokyo",
    hour: "2-digit",
    minute: "2-digit",
    hourCycle: "h23",
  }).format(new Date(iso));
}

/** Every uncaught page error and every console error, from the page's first load on. */
function collectErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on("pageerror", (error) => errors.push(`pageerror: ${error.message}`));
  page.on("console", (message) => {
    if (message.type() === "error") errors.push(`console: ${message.text()}`);
  });
  return errors;
}

const hydrationErrors = (errors: string[]) =>
  errors.filter((e) => /hydrat|#418|#423|#425|did not match/i.test(e));

async function timeOf(time: Locator): Promise<{ iso: string; text: string }> {
  return { iso: (await time.getAttribute("datetime")) ?? "", text: (await time.textContent()) ?? "" };
}

/** The zone control in the top bar, named by the zone it shows times in. */
const zoneControl = (page: Page, zone: string) => page.getByLabel(new RegExp(`^Time zone: ${zone} \\(`));

test.describe("times in the user's time zone", () => {
  // The server runs in UTC (the e2e server's machine); the browser is in Berlin.
  test.use({ timezoneId: BERLIN });

  let gone: Server;
  let goneUrl = "";
  test.beforeAll(async () => {
    // A receiver that answers 410 Gone: the integration pauses at once, with a notice in the banner.
    gone = createServer((_req, res) => res.writeHead(410).end());
    await new Promise<void>((resolve) => gone.listen(0, "127.0.0.1", resolve));
    goneUrl = `http://localhost:${(gone.address() as AddressInfo).port}/gone`;
  });
  test.afterAll(() => new Promise<void>((resolve) => gone.close(() => resolve())));

  test("a Berlin browser reads the notice, the header and the timeline in Berlin time, labelled, without a hydration error; the override switches every time", async ({
    browser,
  }) => {
    test.setTimeout(120_000);
    const name = `gone-${unique()}`;
    const admin = await pageAs(browser, "admin");
    await admin.goto("/integrations/new");
    await admin.getByLabel("Name", { exact: true }).fill(name);
    await admin.getByLabel("Webhook URL").fill(goneUrl);
    await admin.getByRole("button", { name: "Create integration" }).click();
    await expect(admin.getByLabel("Signing secret")).toHaveValue(/^whsec_/);
    await admin.context().close();

    const technician = await pageAs(browser, "technician");
    const res = await technician.request.post("/api/v1/work-items", {
      data: { title: `Zones ${name}`, customerName: "Ana Novak", device: "Pixel 8" },
    });
    expect(res.status()).toBe(201);
    const { workItem } = (await res.json()) as { workItem: { id: number } };
    await technician.context().close();

    // A manager signs in from scratch: the sign-in page reports the browser's zone before anything else.
    const context = await browser.newContext({ timezoneId: BERLIN });
    const page = await context.newPage();
    const errors = collectErrors(page);
    await page.goto("/sign-in");
    await expect(page.getByRole("button", { name: "Sign in" })).toBeEnabled();
    await expect
      .poll(async () => (await context.cookies()).find((c) => c.name === "fs-tz")?.value)
      .toBe("Europe%2FBerlin");
    await signIn(page, "manager");
    await expect(zoneControl(page, "Europe/Berlin")).toHaveText(/^CES?T$/);

    const notice = page
      .getByRole("region", { name: "Notices" })
      .getByRole("listitem")
      .filter({ hasText: name });
    await expect(async () => {
      await page.goto(`/work-items/${workItem.id}`);
      await expect(notice).toBeVisible({ timeout: 1_000 });
    }).toPass({ timeout: 60_000 });

    const header = page.locator("main span", { hasText: /^Updated/ }).locator("time");
    const entry = page
      .getByRole("region", { name: "Sync timeline" })
      .getByRole("article")
      .first()
      .locator("time")
      .first();
    const noticeTime = notice.locator("time");
    await expect(entry).toBeVisible();
    const shown = {
      header: await timeOf(header),
      entry: await timeOf(entry),
      notice: await timeOf(noticeTime),
    };

    // The header and the timeline's entry are the same instant (one save), shown as the same Berlin clock.
    expect(shown.header.iso).toBe(shown.entry.iso);
    for (const [where, { iso, text }] of Object.entries(shown)) {
      const want = berlin(iso);
      expect(text, where).toContain(`${want.clock}`);
      expect(text, where).toMatch(new RegExp(`\\b${want.label}$`));
    }
    await expect(noticeTime).toHaveAttribute("title", /\+0[12]:00 \(Europe\/Berlin\)$/);
    expect(hydrationErrors(errors), errors.join("\n")).toEqual([]);
    await snapshot(page, "time-zone-berlin-1280");

    // The override: Tokyo, from the user menu. Every time follows, on this page and the next.
    await zoneControl(page, "Europe/Berlin").click();
    const picker = page.getByRole("form", { name: "Time zone" });
    await expect(picker.getByLabel("Show times in")).toHaveValue("");
    await expect(picker.getByText("Your browser's zone is Europe/Berlin.")).toBeVisible();
    await snapshot(page, "time-zone-picker-1280");
    await picker.getByLabel("Show times in").selectOption("Asia/Tokyo");
    await picker.getByRole("button", { name: "Save" }).click();
    await expect(page.getByText("Times are shown in Asia/Tokyo")).toBeVisible();
    await expect(noticeTime).toHaveText(new RegExp(`${tokyoClock(shown.notice.iso)}:\\d\\d UTC\\+09:00$`));
    await expect(header).toHaveText(new RegExp(`${tokyoClock(shown.header.iso)} UTC\\+09:00$`));
    await expect(entry).toHaveText(new RegExp(`${tokyoClock(shown.entry.iso)}:\\d\\d UTC\\+09:00$`));
    await page.reload();
    await expect(header).toHaveText(new RegExp(`${tokyoClock(shown.header.iso)} UTC\\+09:00$`));
    await expect(zoneControl(page, "Asia/Tokyo")).toHaveText("UTC+09:00");

    // Back to the browser's zone.
    await zoneControl(page, "Asia/Tokyo").click();
    await expect(picker.getByLabel("Show times in")).toHaveValue("Asia/Tokyo");
    await picker.getByLabel("Show times in").selectOption("");
    await picker.getByRole("button", { name: "Save" }).click();
    await expect(page.getByText("Times follow your browser's time zone")).toBeVisible();
    await expect(header).toHaveText(new RegExp(`${berlin(shown.header.iso).clock} CES?T$`));

    // A forged override cookie is ignored: the browser's zone stands.
    await page
      .context()
      .addCookies([{ name: "fs-tz-override", value: "Mars/Olympus", url: new URL(page.url()).origin }]);
    await page.reload();
    await expect(header).toHaveText(new RegExp(`${berlin(shown.header.iso).clock} CES?T$`));
    expect(hydrationErrors(errors), errors.join("\n")).toEqual([]);
    await page.context().close();
  });

  test("on a phone the zone sits in the top bar and the picker fits the screen", async ({ browser }) => {
    const page = await pageAs(browser, "manager", { width: 390, height: 844 });
    const errors = collectErrors(page);
    await page.goto("/syncs");
    // Whatever zone the cached session last reported, the page corrects itself to this browser's.
    const zone = zoneControl(page, "Europe/Berlin");
    await expect(zone).toHaveText(/^CES?T$/);
    // The explorer's day filters say which zone their days are in, and the chosen days in the page's words.
    await page.goto("/syncs?from=2026-12-04&to=2026-12-06");
    await expect(page.getByLabel(/^From \(CES?T\)$/)).toHaveAccessibleDescription(
      "4 Dec 2026, from 00:00 CET",
    );
    await expect(page.getByLabel(/^To \(CES?T\)$/)).toHaveAccessibleDescription(
      "6 Dec 2026, until 24:00 CET",
    );
    await zone.click();
    const picker = page.getByRole("form", { name: "Time zone" });
    await expect(picker).toBeVisible();
    const box = await picker.boundingBox();
    expect(box && box.x >= 0 && box.x + box.width <= 390).toBe(true);
    await snapshot(page, "time-zone-picker-390");
    expect(hydrationErrors(errors), errors.join("\n")).toEqual([]);
    await page.context().close();
  });

  test("no page hydrates with a time different from the server's, for an admin in Berlin", async ({
    browser,
  }) => {
    test.setTimeout(90_000);
    const page = await pageAs(browser, "admin");
    const errors = collectErrors(page);
    await page.goto("/");
    await expect(zoneControl(page, "Europe/Berlin")).toBeVisible();
    const paths = [
      "/",
      "/work-items",
      "/syncs",
      "/syncs?view=objects",
      "/integrations",
      "/admin/users",
      "/admin/audit",
    ];
    for (const path of paths) {
      await page.goto(path);
      await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
    }
    // One of each detail page, reached from its list.
    await page.goto("/work-items");
    await page.getByRole("table").getByRole("link").first().click();
    await expect(page.getByRole("region", { name: "Sync timeline" })).toBeVisible();
    await page.goto("/syncs");
    await page
      .getByRole("link", { name: /^Sync \d+, / })
      .first()
      .click();
    await expect(page.getByRole("heading", { level: 1, name: /^Sync \d+/ })).toBeVisible();
    // The seeded integration: it has deliveries, so its page has times (one another spec made may have none).
    await page.goto("/integrations");
    await page.getByRole("link", { name: "Manage demo-receiver" }).click();
    // Its own heading, not the page before's (the click navigates client-side).
    await expect(page).toHaveURL(/\/integrations\/\d+$/);
    await expect(page.getByRole("heading", { level: 1, name: /demo-receiver/ })).toBeVisible();
    // Its sections stream in after the heading: wait for the first time before reading them all.
    await expect(page.locator("main time").first()).toBeAttached();
    // Every time on that page is in Berlin time and says so (read at once: parts of the page refresh live).
    const titles = await page
      .locator("main time")
      .evaluateAll((els) => els.map((e) => e.getAttribute("title")));
    expect(titles.length).toBeGreaterThan(0);
    for (const title of titles) expect(title).toMatch(/\(Europe\/Berlin\)$/);
    expect(hydrationErrors(errors), errors.join("\n")).toEqual([]);
    await page.context().close();
  });
});
