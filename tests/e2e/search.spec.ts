import type { Page } from "@playwright/test";
import { expect, signIn, snapshot, test } from "./fixtures";

const unique = () => Math.random().toString(36).slice(2, 8);

const table = (page: Page) => page.getByRole("table", { name: "Work items" });
/** The titles the list shows, top to bottom. */
const titles = (page: Page) => table(page).locator("tbody tr td:nth-child(2) p.font-medium");

async function search(page: Page, text: string): Promise<void> {
  await page.getByLabel("Search").fill(text);
  await page.getByRole("button", { name: "Search" }).click();
  await expect(page).toHaveURL(new RegExp(`[?&]q=${encodeURIComponent(text).replaceAll("%20", "\\+")}`));
}

test.describe("work item search", () => {
  test("finds words of titles, tasks, e-mails and phones as they are typed, best match first", async ({
    page,
  }) => {
    await signIn(page, "technician", "/work-items");

    await search(page, "batt");
    await expect(page.getByText(/work items? match/)).toContainText("“batt”");
    await expect(page.getByText("best match first", { exact: true })).toBeVisible();
    // The two demo repairs with a battery in the title (one also in a task), nothing else.
    await expect(titles(page).nth(0)).toHaveText(/battery/i);
    await expect(titles(page).nth(1)).toHaveText(/battery/i);
    await expect(titles(page)).toHaveCount(2);

    await search(page, "Face ID");
    await expect(titles(page)).toHaveText(["Cracked screen replacement"]);
    await search(page, "maria.keller@example");
    await expect(titles(page)).toHaveText(["Cracked screen replacement"]);
    await search(page, "4412 907");
    await expect(titles(page)).toHaveText(["Cracked screen replacement"]);
    await search(page, "Máría Kéller");
    await expect(titles(page)).toHaveText(["Cracked screen replacement"]);
    await snapshot(page, "search-desk");
    await page.setViewportSize({ width: 390, height: 844 });
    await search(page, "batt");
    await snapshot(page, "search-phone");
    await page.setViewportSize({ width: 1280, height: 800 });
  });

  test("a sort the user picks wins over the ranking until they ask for the best match again", async ({
    page,
  }) => {
    await signIn(page, "technician", "/work-items?q=batt");
    await expect(page.getByText("best match first", { exact: true })).toBeVisible();
    await page.getByRole("button", { name: "Title" }).click();
    await expect(page).toHaveURL(/sort=title&dir=(asc|desc)/);
    await expect(page.getByText("best match first", { exact: true })).toHaveCount(0);
    const shown = (await titles(page).allTextContents()).map((title) => title.toLowerCase());
    const byTitle = [...shown].sort();
    expect(shown).toEqual(
      new URL(page.url()).searchParams.get("dir") === "asc" ? byTitle : byTitle.reverse(),
    );
    // A new search keeps the picked sort.
    await search(page, "battery");
    await expect(page).toHaveURL(/sort=title/);
    await page.getByRole("link", { name: "Show best match first" }).click();
    await expect(page).toHaveURL(/\/work-items\?q=battery$/);
    await expect(page.getByText("best match first", { exact: true })).toBeVisible();
  });

  test("a new item is found by its accented customer name typed without accents", async ({ page }) => {
    await signIn(page, "technician", "/work-items/new");
    const tag = unique();
    await page.getByLabel("Title", { exact: true }).fill(`Loose charging port ${tag}`);
    await page.getByLabel("Device", { exact: true }).fill("Pixel 7");
    await page.getByLabel("Customer name", { exact: true }).fill(`Zoë Müller-${tag}`);
    await page.getByRole("button", { name: "Create work item" }).click();
    await expect(page).toHaveURL(/\/work-items\/\d+/);
    await page.goto("/work-items");
    await search(page, `zoe muller ${tag}`);
    await expect(titles(page)).toHaveText([`Loose charging port ${tag}`]);
    await expect(page.getByText("1 work item matches")).toBeVisible();
  });
});
