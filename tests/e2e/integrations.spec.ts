import { expect, test } from "./fixtures";
import { pageAs } from "./session-cache";

const unique = () => Math.random().toString(36).slice(2, 8);
const RECEIVER = `http://localhost:${process.env.DEMO_RECEIVER_PORT ?? 3998}`;

test.describe("integrations", () => {
  test("an admin creates an integration, copies its secret once and sends a test event", async ({
    browser,
  }) => {
    const page = await pageAs(browser, "admin");
    await page.context().grantPermissions(["clipboard-read", "clipboard-write"]);
    await page.goto("/integrations");
    await expect(page.getByRole("article", { name: "demo-receiver" })).toBeVisible();
    await page.getByRole("link", { name: "New integration" }).click();

    const name = `n8n-${unique()}`;
    await page.getByLabel("Name", { exact: true }).fill(name);
    await page.getByLabel("Webhook URL").fill(`${RECEIVER}/hooks/${name}`);
    await page.getByRole("checkbox", { name: /^Task created/ }).uncheck();
    await page.getByLabel("Header name").fill("X-Shop-Key");
    await page.getByLabel("Header value").fill("very-secret-header-value");
    await page.getByRole("button", { name: "Create integration" }).click();

    const secretField = page.getByLabel("Signing secret");
    await expect(secretField).toHaveValue(/^whsec_/);
    const secret = await secretField.inputValue();
    await page.getByRole("button", { name: "Copy" }).click();
    await expect(page.getByRole("button", { name: "Copied" })).toBeVisible();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(secret);
    expect(page.url()).not.toContain(secret);

    await page.getByRole("link", { name: `Open ${name}` }).click();
    await expect(page.getByRole("heading", { level: 1 })).toContainText(name);
    const html = await page.content();
    expect(html).not.toContain(secret);
    expect(html).not.toContain("very-secret-header-value");
    await expect(page.getByRole("checkbox", { name: /^Task created/ })).not.toBeChecked();
    await expect(page.getByLabel("Header value")).toHaveValue("");

    await page.getByRole("button", { name: "Send test event" }).click();
    const answer = page.getByRole("region", { name: "Receiver’s answer" });
    await expect(answer.getByText("HTTP 200", { exact: true })).toBeVisible();
    await expect(answer.getByText("Delivered")).toBeVisible();

    // Editing with the header value left empty keeps it; the test still authenticates the same way.
    await page.getByLabel("Name", { exact: true }).fill(`${name}-renamed`);
    await page.getByRole("button", { name: "Save changes" }).click();
    await expect(page.getByText("Integration saved")).toBeVisible();
    await expect(page.getByRole("heading", { level: 1 })).toContainText(`${name}-renamed`);

    await page.getByRole("button", { name: "Rotate secret" }).click();
    await page.getByRole("button", { name: "Rotate now" }).click();
    await expect(page.getByLabel("Signing secret")).toHaveValue(/^whsec_/);
    expect(await page.getByLabel("Signing secret").inputValue()).not.toBe(secret);
    await page.reload();
    await expect(page.getByLabel("Signing secret")).toHaveCount(0);

    await page.getByLabel("Reason").fill("n8n maintenance");
    await page.getByRole("button", { name: "Pause deliveries" }).click();
    await expect(page.getByText("n8n maintenance").first()).toBeVisible();
    await page.getByRole("button", { name: "Resume deliveries" }).click();
    await expect(page.getByRole("button", { name: "Pause deliveries" })).toBeVisible();
  });

  test("a test event to a wrong URL shows the receiver's answer and the n8n hint", async ({ browser }) => {
    const page = await pageAs(browser, "admin");
    await page.goto("/integrations/new");
    const name = `wrong-${unique()}`;
    await page.getByLabel("Name", { exact: true }).fill(name);
    await page.getByLabel("Webhook URL").fill(`${RECEIVER}/nope`);
    // Subscribed to one rare event only, so the other tests' changes hardly reach it.
    for (const box of await page.getByRole("group", { name: "Event types" }).getByRole("checkbox").all()) {
      await box.uncheck();
    }
    await page.getByRole("checkbox", { name: /^Task updated/ }).check();
    await page.getByRole("button", { name: "Create integration" }).click();
    await page.getByRole("link", { name: `Open ${name}` }).click();

    await page.getByRole("button", { name: "Send test event" }).click();
    const answer = page.getByRole("region", { name: "Receiver’s answer" });
    await expect(answer.getByText("HTTP 404 Not Found", { exact: true })).toBeVisible();
    // The status line once: not repeated as an "Error:" line below it.
    await expect(answer).not.toContainText("Error:");
    await expect(answer).toContainText("POST webhooks to /hooks");
    await expect(answer.getByText(/workflow is inactive/)).toBeVisible();
  });

  test("the form explains what is wrong and keeps what was typed", async ({ browser }) => {
    const page = await pageAs(browser, "admin");
    await page.goto("/integrations/new");
    await page.getByLabel("Name", { exact: true }).fill("demo-receiver");
    await page.getByLabel("Webhook URL").fill("ftp://example.com");
    for (const box of await page.getByRole("group", { name: "Event types" }).getByRole("checkbox").all()) {
      await box.uncheck();
    }
    await page.getByRole("button", { name: "Create integration" }).click();
    // The server's inline errors, as on every form (no browser bubble), and focus on the first of them.
    await expect(page.getByText("Choose at least one event type")).toBeVisible();
    await expect(page.getByLabel("Webhook URL")).toHaveAttribute("aria-invalid", "true");
    await expect(page.getByLabel("Webhook URL")).toBeFocused();
    await expect(page.getByLabel("Webhook URL")).toHaveValue("ftp://example.com");
  });

  test("managers cannot manage integrations", async ({ browser }) => {
    const page = await pageAs(browser, "manager");
    const response = await page.goto("/integrations");
    expect(response?.status()).toBe(403);
    await expect(page.getByRole("heading", { name: "You don’t have access to this page" })).toBeVisible();
  });
});
