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

export const test = base.extend<{ signIn: (page: Page, role: DemoRole, next?: string) => Promise<void> }>({
  // biome-ignore lint/correctness/noEmptyPattern: Playwright fixtures take their dependencies as a pattern
  signIn: async ({}, use) => {
    await use(signIn);
  },
});

export { expect };
