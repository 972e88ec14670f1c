import { Webhook } from "standardwebhooks";
import { expect, snapshot, test } from "./fixtures";
import { pageAs } from "./session-cache";

const RECEIVER = `http://localhost:${process.env.DEMO_RECEIVER_PORT ?? 3998}`;
/** The demo-receiver integration's secret, as scripts/e2e-server.mjs sets it for the app and the receiver. */
const DEMO_SECRET = "whsec_ZTJlLW9ubHktZGVtby1yZWNlaXZlci1zZWNyZXQtMDEyMw==";
/** Standard Webhooks' timestamp tolerance. */
const TOLERANCE_S = 5 * 60;

const unique = () => Math.random().toString(36).slice(2, 8);

/** Posts a signed delivery to the demo receiver as the app would, with the timestamp given. */
async function deliver({
  reference,
  secret = DEMO_SECRET,
  timestamp = new Date(),
  path = "/hooks/work-items",
}: {
  reference: string;
  secret?: string;
  timestamp?: Date;
  path?: string;
}) {
  const body = JSON.stringify({ type: "workitem_updated", revision: 2, work_item: { reference } });
  const id = `msg-${reference}`;
  const headers = {
    "content-type": "application/json",
    "webhook-id": id,
    "webhook-timestamp": String(Math.floor(timestamp.getTime() / 1000)),
    "webhook-signature": new Webhook(secret).sign(id, timestamp, body),
  };
  const res = await fetch(`${RECEIVER}${path}`, { method: "POST", headers, body });
  expect(res.status).toBe(200);
  return { body, headers };
}

function reverifiesNow(delivery: { body: string; headers: Record<string, string> }): string {
  try {
    new Webhook(DEMO_SECRET).verify(delivery.body, delivery.headers);
    return "valid";
  } catch (error) {
    return (error as Error).message;
  }
}

const SEEDED_REFERENCE = /RMA-0000(0[1-9]|1\d|2[0-4])(?!\d)/;

test.describe("the demo receiver", () => {
  test("the seeded deliveries are on the demo page within seconds of a fresh start, signatures valid", async ({
    browser,
  }) => {
    const page = await pageAs(browser, "admin");
    await page.goto("/demo-receiver");
    await expect(page.getByRole("heading", { level: 1, name: "Demo receiver" })).toBeVisible();
    // The outbox cron would take until the next minute plus its grace; the flush at start does not wait.
    const delivered = (type: string) =>
      page
        .getByRole("listitem")
        .filter({ hasText: type })
        .filter({ hasText: "Signature valid" })
        // The seed's 24 repairs (RMA-000001…024), not what specs that ran before this one created.
        .filter({ hasText: SEEDED_REFERENCE });
    await expect(delivered("workitem_created")).toHaveCount(24, { timeout: 15_000 });
    await expect(delivered("task_created")).toHaveCount(15);

    const first = delivered("workitem_created").first();
    await first.locator("summary").click();
    await expect(first.getByText("Checked on arrival with demo-receiver's secret.")).toBeVisible();
    await snapshot(page, "demo-receiver-desk");
    await page.setViewportSize({ width: 390, height: 844 });
    await snapshot(page, "demo-receiver-phone");
    await page.screenshot({ path: "test-results/screenshots/demo-receiver-phone-top.png" });
    await page.close();
  });

  test("a delivery keeps the verdict it got on arrival, however old it gets", async ({ browser }) => {
    const reference = `RMA-E2E-${unique()}`;
    // Valid on arrival, a few seconds inside the tolerance; a check made now would soon refuse it as too old.
    const sent = await deliver({ reference, timestamp: new Date(Date.now() - (TOLERANCE_S - 3) * 1000) });
    await expect.poll(() => reverifiesNow(sent), { timeout: 10_000 }).toBe("Message timestamp too old");

    const page = await pageAs(browser, "admin");
    await page.goto("/demo-receiver");
    const item = page.getByRole("listitem").filter({ hasText: reference });
    await expect(item.getByText("Signature valid")).toBeVisible();
    await item.locator("summary").click();
    await expect(item.getByText("Checked on arrival with demo-receiver's secret.")).toBeVisible();
    await page.close();
  });

  test("a forged signature is stored and shown as invalid, naming the secret it was checked against", async ({
    browser,
  }) => {
    const reference = `RMA-E2E-${unique()}`;
    await deliver({
      reference,
      secret: `whsec_${Buffer.from("not-the-demo-secret-at-all-012345").toString("base64")}`,
    });

    const page = await pageAs(browser, "admin");
    await page.goto("/demo-receiver");
    const item = page.getByRole("listitem").filter({ hasText: reference });
    await expect(item.getByText("Signature invalid")).toBeVisible();
    await item.locator("summary").click();
    await expect(
      item.getByText(
        "Checked on arrival with demo-receiver's secret: no signature matches demo-receiver's secret.",
      ),
    ).toBeVisible();
    await page.close();
  });

  test("the URL the demo page announces is accepted by the integration form, and its deliveries are listed unchecked", async ({
    browser,
  }) => {
    const page = await pageAs(browser, "admin");
    await page.goto("/demo-receiver");
    const pattern = (await page.getByTestId("hook-url-pattern").textContent()) ?? "";
    expect(pattern).toBe(`${RECEIVER}/hooks/<name>`);

    const name = `mine-${unique()}`;
    await page.goto("/integrations/new");
    await page.getByLabel("Name", { exact: true }).fill(name);
    await page.getByLabel("Webhook URL").fill(pattern.replace("<name>", name));
    // One rare event type only, so the other tests' saves hardly reach it.
    for (const box of await page.getByRole("group", { name: "Event types" }).getByRole("checkbox").all()) {
      await box.uncheck();
    }
    await page.getByRole("checkbox", { name: /^Task updated/ }).check();
    await page.getByRole("button", { name: "Create integration" }).click();
    await expect(page.getByLabel("Signing secret")).toHaveValue(/^whsec_/);
    await page.getByRole("link", { name: `Open ${name}` }).click();
    await page.getByRole("button", { name: "Send test event" }).click();
    await expect(
      page.getByRole("region", { name: "Receiver’s answer" }).getByText("Delivered"),
    ).toBeVisible();

    await page.goto("/demo-receiver");
    const item = page.getByRole("listitem").filter({ hasText: `POST /hooks/${name}` });
    await expect(item.getByText("Not checked: unknown integration")).toBeVisible();
    await item.locator("summary").click();
    await expect(
      item.getByText(`The receiver holds no integration's secret for /hooks/${name}`),
    ).toBeVisible();
    await snapshot(page, "demo-receiver-verdicts-desk");

    // The address the receiver says it listens on is accepted too.
    await page.goto("/integrations/new");
    await page.getByLabel("Name", { exact: true }).fill(`${name}-ip`);
    await page
      .getByLabel("Webhook URL")
      .fill(`${RECEIVER.replace("localhost", "127.0.0.1")}/hooks/${name}-ip`);
    for (const box of await page.getByRole("group", { name: "Event types" }).getByRole("checkbox").all()) {
      await box.uncheck();
    }
    await page.getByRole("checkbox", { name: /^Task updated/ }).check();
    await page.getByRole("button", { name: "Create integration" }).click();
    await expect(page.getByLabel("Signing secret")).toHaveValue(/^whsec_/);
    await page.close();
  });
});
