import { expect, snapshot, test } from "./fixtures";
import { pageAs } from "./session-cache";

const ADMIN_LINKS = ["Dashboard", "Work items", "Syncs", "Integrations", "Users", "Audit log"];

test.describe("main navigation", () => {
  test("on a phone every link is one tap away behind Menu, inside the screen, and the menu closes on navigation", async ({
    browser,
  }) => {
    const page = await pageAs(browser, "admin", { width: 390, height: 844 });
    await page.goto("/work-items");
    const menu = page.getByRole("button", { name: "Menu" });
    await expect(menu).toHaveAttribute("aria-expanded", "false");
    // The top bar is one row: the logo, the zone, sign-out and Menu side by side.
    const logo = await page.getByRole("banner").getByRole("link", { name: "Fixed Service" }).boundingBox();
    const menuBox = await menu.boundingBox();
    expect(
      Math.abs((menuBox?.y ?? 0) + (menuBox?.height ?? 0) / 2 - ((logo?.y ?? 0) + (logo?.height ?? 0) / 2)),
    ).toBeLessThan(8);
    await expect(page.getByRole("navigation", { name: "Main" })).toHaveCount(0);

    await menu.click();
    await expect(menu).toHaveAttribute("aria-expanded", "true");
    const nav = page.getByRole("navigation", { name: "Main" });
    for (const label of ADMIN_LINKS) {
      const link = nav.getByRole("link", { name: label, exact: true });
      await expect(link).toBeInViewport({ ratio: 1 });
      const box = await link.boundingBox();
      expect(box?.height, `${label} is a thumb-sized target`).toBeGreaterThanOrEqual(40);
    }
    await expect(nav.getByRole("link", { name: "Work items" })).toHaveAttribute("aria-current", "page");
    // Who is signed in sits atop the menu; the top bar keeps the sign-out button (icon, same name).
    await expect(nav.getByText(/Signed in as Ada Admin/)).toBeVisible();
    await expect(page.getByRole("button", { name: "Sign out" })).toBeInViewport();
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await snapshot(page, "navigation-open-390");

    await nav.getByRole("link", { name: "Audit log" }).click();
    await expect(page).toHaveURL(/\/admin\/audit/);
    await expect(menu).toHaveAttribute("aria-expanded", "false");
    await expect(page.getByRole("navigation", { name: "Main" })).toHaveCount(0);

    await menu.click();
    await page.keyboard.press("Escape");
    await expect(menu).toHaveAttribute("aria-expanded", "false");
  });

  test("on the desk the links are a row in the top bar and there is no Menu button", async ({ browser }) => {
    const page = await pageAs(browser, "admin");
    await page.goto("/work-items");
    await expect(page.getByRole("button", { name: "Menu" })).toBeHidden();
    const nav = page.getByRole("navigation", { name: "Main" });
    for (const label of ADMIN_LINKS)
      await expect(nav.getByRole("link", { name: label, exact: true })).toBeVisible();
    const boxes = await Promise.all(
      ADMIN_LINKS.map((label) => nav.getByRole("link", { name: label, exact: true }).boundingBox()),
    );
    expect(new Set(boxes.map((b) => Math.round(b?.y ?? -1))).size, "all links on one row").toBe(1);
  });
});
