import { test as base, expect, type Page } from "@playwright/test";

export const DEMO_PASSWORD = "fixed-service-demo";
export const DEMO_USERS = {
  technician: { email: "tech@fixed.test", name: "Tess Technician" },
  manager: { email: "manager@fixed.test", name: "Mara Manager" },
  admin: { email: "admin@fixed.test", name: "Ada Admin" },
} as const;
export type DemoRole = keyof typeof DEMO_USERS;

export async function signIn(page: Page, role: DemoRole, next = "/"): Promise<void> {
  await page.goto(`/sign-in?next=${encodeURIComponent(next)}`);
  await page.getByLabel("Email").fill(DEMO_USERS[role].email);
  await page.getByLabel("Password").fill(DEMO_PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).not.toHaveURL(/\/sign-in/);
}

/** Saves a full-page screenshot as a test artifact (test-results/screenshots/<name>.png). */
export async function snapshot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: `test-results/screenshots/${name}.png`, fullPage: true });
}

/**
 * Elements that reach past the viewport's right edge, including those inside a sideways-scrolling
 * box (a table cut off at the edge behind a hidden scroll), as short descriptions. Invisible and
 * screen-reader-only elements (clipped to 1px) do not count.
 */
export async function elementsWiderThanViewport(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const width = document.documentElement.clientWidth;
    const found: string[] = [];
    for (const el of document.body.querySelectorAll("*")) {
      const rect = el.getBoundingClientRect();
      if (rect.width <= 1 || rect.height <= 1 || rect.right <= width + 1) continue;
      const style = getComputedStyle(el);
      if (style.visibility === "hidden" || style.display === "none") continue;
      // Only the outermost offender: its children are reported through it.
      if (found.length && el.parentElement?.closest("[data-too-wide]")) continue;
      el.setAttribute("data-too-wide", "");
      const text = (el.textContent ?? "").trim().replace(/\s+/g, " ").slice(0, 40);
      found.push(
        `<${el.tagName.toLowerCase()} class="${el.getAttribute("class")?.slice(0, 60) ?? ""}"> right ${Math.round(rect.right)} px: ${text}`,
      );
    }
    for (const el of document.querySelectorAll("[data-too-wide]")) el.removeAttribute("data-too-wide");
    return found;
  });
}

export const test = base.extend<{ signIn: (page: Page, role: DemoRole, next?: string) => Promise<void> }>({
  // biome-ignore lint/correctness/noEmptyPattern: Playwright fixtures take their dependencies as a pattern
  signIn: async ({}, use) => {
    await use(signIn);
  },
});

export { expect };
