import type { Page } from "@playwright/test";
import { DEMO_PASSWORD, DEMO_USERS, expect, signIn, test } from "./fixtures";

// Many sign-ins per minute from one IP: the e2e server needs SIGN_IN_RATE_LIMIT well above the default 5.

async function fillSignIn(page: Page, email: string, password: string) {
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
}

async function signOut(page: Page) {
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/sign-in$/);
}

test.describe("sign-in and roles", () => {
  test("a signed-out visit to work items lands on sign-in and returns there after signing in", async ({
    page,
  }) => {
    await page.goto("/work-items?status=new");
    await expect(page).toHaveURL(/\/sign-in\?next=%2Fwork-items%3Fstatus%3Dnew$/);
    await expect(page.getByRole("heading", { name: "Sign in" })).toBeVisible();
    await fillSignIn(page, DEMO_USERS.technician.email, DEMO_PASSWORD);
    await expect(page).toHaveURL(/\/work-items\?status=new$/);
    await expect(page.getByRole("banner").getByText(DEMO_USERS.technician.name)).toBeVisible();
  });

  test("a wrong password is refused with a message and the e-mail stays filled in", async ({ page }) => {
    await page.goto("/sign-in");
    await fillSignIn(page, DEMO_USERS.manager.email, "not-the-password");
    await expect(page.getByText("Wrong e-mail or password.")).toBeVisible();
    await expect(page.getByLabel("Email")).toHaveValue(DEMO_USERS.manager.email);
    await expect(page.getByLabel("Password")).toHaveValue("");
    await expect(page).toHaveURL(/\/sign-in$/);
  });

  test("a rate-limited sign-in says to wait", async ({ page }) => {
    // The limiter itself is covered by the integration suite; here only what the user reads.
    await page.route("**/api/auth/sign-in/email", (route) =>
      route.fulfill({
        status: 429,
        headers: { "content-type": "application/json", "x-retry-after": "42" },
        body: JSON.stringify({ message: "Too many requests. Please try again later." }),
      }),
    );
    await page.goto("/sign-in");
    await fillSignIn(page, DEMO_USERS.technician.email, DEMO_PASSWORD);
    await expect(page.getByText("Too many sign-in attempts. Wait 42 seconds and try again.")).toBeVisible();
    await expect(page.getByLabel("Email")).toHaveValue(DEMO_USERS.technician.email);
  });

  test("signing out returns to sign-in and closes the app again", async ({ page }) => {
    await signIn(page, "manager", "/work-items");
    await expect(page).toHaveURL(/\/work-items$/);
    await signOut(page);
    await page.goto("/work-items");
    await expect(page).toHaveURL(/\/sign-in\?next=%2Fwork-items$/);
  });

  test("next never leads off the site", async ({ page }) => {
    await page.goto("/sign-in?next=%2F%2Fevil.example%2Fphish");
    await fillSignIn(page, DEMO_USERS.technician.email, DEMO_PASSWORD);
    await expect(page).toHaveURL(/^http:\/\/127\.0\.0\.1:\d+\/$/);
  });

  test("a technician is refused the users page and does not see it in the menu", async ({ page }) => {
    await signIn(page, "technician", "/admin/users");
    await expect(page).toHaveURL(/\/admin\/users$/);
    await expect(page.getByRole("heading", { name: "You don’t have access to this page" })).toBeVisible();
    await expect(page.getByText("the Admin role")).toBeVisible();
    await page.goto("/work-items");
    await expect(
      page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Users" }),
    ).toHaveCount(0);
  });

  test("an admin creates a user who can sign in, then deactivates them", async ({ page, browser }) => {
    const email = `pia-${Date.now()}@fixed.test`;
    await signIn(page, "admin", "/admin/users");
    await expect(page.getByRole("heading", { name: "Users", level: 1 })).toBeVisible();
    await page.getByLabel("Name").fill("Pia Parts");
    await page.getByLabel("Email").fill(email);
    await page.getByLabel("Role", { exact: true }).selectOption("technician");
    await page.getByLabel("Initial password").fill("pia-initial-pass");
    await page.getByRole("button", { name: "Create user" }).click();
    await expect(page.getByText("Pia Parts can now sign in as technician.")).toBeVisible();
    const row = page.getByRole("row", { name: "Pia Parts" });
    await expect(row).toContainText(email);
    await expect(row).toContainText("Active");

    const other = await browser.newContext();
    const pia = await other.newPage();
    await pia.goto("/sign-in");
    await fillSignIn(pia, email, "pia-initial-pass");
    await expect(pia).toHaveURL(/\/$/);
    await expect(pia.getByRole("banner").getByText("Pia Parts")).toBeVisible();

    await row.getByRole("button", { name: "Deactivate Pia Parts" }).click();
    await row.getByRole("button", { name: "Yes, deactivate" }).click();
    await expect(row).toContainText("Deactivated");

    // Her open session is gone: the next page she opens sends her to sign-in, and she cannot sign in.
    await pia.goto("/work-items");
    await expect(pia).toHaveURL(/\/sign-in/);
    await fillSignIn(pia, email, "pia-initial-pass");
    await expect(pia.getByText("This account is deactivated. Ask an admin to reactivate it.")).toBeVisible();
    await other.close();
  });

  test("an admin cannot change their own role or deactivate themselves", async ({ page }) => {
    await signIn(page, "admin", "/admin/users");
    const me = page.getByRole("row", { name: DEMO_USERS.admin.name });
    await expect(me).toContainText("(you)");
    await expect(me.getByRole("combobox")).toHaveCount(0);
    await expect(me.getByRole("button", { name: /Deactivate/ })).toHaveCount(0);
  });
});
