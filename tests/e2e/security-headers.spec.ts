import type { Page } from "@playwright/test";
import { BASE_URL } from "../../playwright.config";
import { expect, test } from "./fixtures";
import { pageAs } from "./session-cache";

/** Records every CSP violation the page reports (console and `securitypolicyviolation` events). */
async function watchCsp(page: Page): Promise<string[]> {
  const violations: string[] = [];
  page.on("console", (message) => {
    if (/Content Security Policy/i.test(message.text())) violations.push(message.text());
  });
  await page.addInitScript(() => {
    document.addEventListener("securitypolicyviolation", (e) => {
      console.error(
        `Content Security Policy violation: ${e.violatedDirective} ${e.blockedURI} at ${e.sourceFile}:${e.lineNumber}:${e.columnNumber}`,
      );
    });
  });
  return violations;
}

test.describe("security headers", () => {
  test("every page carries the CSP, nosniff and Referrer-Policy, and the app runs under them", async ({
    browser,
  }) => {
    const page = await pageAs(browser, "manager");
    const violations = await watchCsp(page);

    for (const path of ["/", "/work-items", "/syncs", "/work-items/new"]) {
      const response = await page.goto(path);
      expect(response?.status(), path).toBe(200);
      const headers = response!.headers();
      expect(headers["content-security-policy"], path).toContain("frame-ancestors 'none'");
      expect(headers["x-content-type-options"], path).toBe("nosniff");
      expect(headers["referrer-policy"], path).toBe("strict-origin-when-cross-origin");
      expect(headers["x-powered-by"], path).toBeUndefined();
      // http://127.0.0.1 here: no HSTS on a plain-http public URL.
      expect(headers["strict-transport-security"], path).toBeUndefined();
    }

    // Hydrated and interactive under the CSP: a client-side form submits, the router navigates.
    await page.getByLabel("Title", { exact: true }).fill("CSP check");
    await page.getByLabel("Device", { exact: true }).fill("Pixel 8");
    await page.getByLabel("Customer name", { exact: true }).fill("CSP Customer");
    await page.getByRole("button", { name: "Create work item" }).click();
    await expect(page).toHaveURL(/\/work-items\/\d+/);
    await expect(page.getByRole("heading", { level: 1 })).toContainText("CSP check");
    // Client-side navigation to another page.
    await page.getByRole("link", { name: "Syncs", exact: true }).click();
    await expect(page).toHaveURL(/\/syncs$/);
    await expect(page.getByRole("heading", { level: 1 })).toBeVisible();

    const api = await page.request.get(`${BASE_URL}/api/syncs/1`);
    expect(api.headers()["x-content-type-options"]).toBe("nosniff");
    expect(violations).toEqual([]);
    await page.context().close();
  });

  test("another site cannot frame the app", async ({ page }) => {
    await page.setContent(`<iframe id="app" src="${BASE_URL}/sign-in" width="800" height="600"></iframe>`);
    const frame = page.frameLocator("#app");
    // The sign-in form would render if framing were allowed; Chromium shows its error page instead.
    await expect
      .poll(
        async () =>
          page
            .frames()
            .find((f) => f !== page.mainFrame())
            ?.url() ?? "",
        { timeout: 10_000 },
      )
      .toContain("chrome-error");
    await expect(frame.getByLabel("Email")).toHaveCount(0);
  });
});
