import { eq } from "drizzle-orm";
import { Webhook } from "standardwebhooks";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { CHANGE_EVENT_TYPES, type ChangeEvent, integrations } from "@/db/schema";
import { decryptSecret } from "@/lib/secrets";
import { generateSecret } from "@/server/deliveries/sign";
import { createWorkItem } from "@/server/work-items/work-items";
import { asUser } from "../support/auth";
import { DRIVERS } from "../support/db";
import { type Pipeline, startPipeline } from "../support/pipeline";
import { startReceiver, type TestReceiver } from "../support/receiver";
import { ACTOR, ITEM } from "../support/work-item-fixture";

// The edit action revalidates pages outside a Next request here; nothing to revalidate.
vi.mock("next/cache", () => ({ revalidatePath: () => {}, revalidateTag: () => {} }));

const WAIT = { timeoutMs: 20_000 };
const HEADER_VALUE = "n8n-header-auth-value-0123456789";

type Ops = typeof import("@/server/integrations/operations");
type Queries = typeof import("@/server/integrations/integrations");

describe.each(DRIVERS)("integration secrets on %s", (driver) => {
  let p: Pipeline;
  let ops: Ops;
  let queries: Queries;
  let receiver: TestReceiver;
  let counter = 0;

  beforeAll(async () => {
    p = await startPipeline(driver);
    ops = await import("@/server/integrations/operations");
    queries = await import("@/server/integrations/integrations");
  });
  afterAll(async () => {
    await p?.close();
  });
  afterEach(async () => {
    await p.clearIntegrations();
    await receiver?.close();
  });

  async function create(url: string, header = true) {
    const result = await ops.createIntegration(
      {
        name: `n8n-${driver}-${++counter}`,
        url,
        eventTypes: [...CHANGE_EVENT_TYPES],
        headerName: header ? "X-N8N-Auth" : null,
        headerValue: header ? HEADER_VALUE : null,
      },
      p.db.db,
    );
    if (!result.ok) throw new Error(result.message);
    return result.data;
  }

  async function stored(id: number) {
    const [row] = await p.db.db.select().from(integrations).where(eq(integrations.id, id));
    return row;
  }

  async function newItem() {
    const created = await createWorkItem(p.db.db, ITEM, ACTOR);
    if (!created.ok) throw new Error(created.reason);
    const { dispatchChangeEvents } = await import("@/server/deliveries/outbox");
    await dispatchChangeEvents(created.events as ChangeEvent[], p.db.db);
    return created.row;
  }

  it("stores the signing secret and the header value encrypted, and still signs and sends them", async () => {
    receiver = await startReceiver();
    const { integration, secret } = await create(receiver.urlFor("/webhook/a"));
    const row = await stored(integration.id);
    expect(row.secret).toMatch(/^enc:v1:[0-9a-f]{8}:/);
    expect(row.headerValue).toMatch(/^enc:v1:[0-9a-f]{8}:/);
    expect(JSON.stringify(row)).not.toContain(secret.slice("whsec_".length, 20));
    expect(JSON.stringify(row)).not.toContain(HEADER_VALUE);
    expect(decryptSecret(row.secret)).toBe(secret);
    // Pages get a summary without either.
    expect(JSON.stringify(integration)).not.toContain("enc:v1:");

    await newItem();
    const [request] = await receiver.waitForRequests(1, WAIT);
    expect(request.headers["x-n8n-auth"]).toBe(HEADER_VALUE);
    expect(() => new Webhook(secret).verify(request.rawBody, request.headers)).not.toThrow();
  });

  it("reads rows stored in plaintext before encryption, and encrypts them on start", async () => {
    receiver = await startReceiver();
    const secret = generateSecret();
    const [legacy] = await p.db.db
      .insert(integrations)
      .values({
        name: `legacy-${driver}`,
        url: receiver.urlFor("/webhook/legacy"),
        eventTypes: [...CHANGE_EVENT_TYPES],
        secret,
        headerName: "X-N8N-Auth",
        headerValue: HEADER_VALUE,
      })
      .returning();
    await newItem();
    const [request] = await receiver.waitForRequests(1, WAIT);
    expect(request.headers["x-n8n-auth"]).toBe(HEADER_VALUE);
    expect(() => new Webhook(secret).verify(request.rawBody, request.headers)).not.toThrow();

    expect(await queries.reencryptStoredSecrets(p.db.db)).toBe(1);
    const row = await stored(legacy.id);
    expect(row.secret).toMatch(/^enc:v1:/);
    expect(row.headerValue).toMatch(/^enc:v1:/);
    expect(decryptSecret(row.secret)).toBe(secret);
    expect(decryptSecret(row.headerValue!)).toBe(HEADER_VALUE);
    expect(await queries.reencryptStoredSecrets(p.db.db)).toBe(0);
  });

  it("deletes the previous secret once its rotation grace period is over, not before", async () => {
    receiver = await startReceiver();
    const { integration, secret } = await create(receiver.urlFor("/webhook/r"), false);
    const rotated = await ops.rotateSecret(integration.id, p.db.db);
    if (!rotated.ok) throw new Error(rotated.message);
    const during = await stored(integration.id);
    expect(during.previousSecret).toMatch(/^enc:v1:/);
    expect(decryptSecret(during.previousSecret!)).toBe(secret);
    expect(decryptSecret(during.secret)).toBe(rotated.data.secret);

    expect(await queries.clearExpiredPreviousSecrets(p.db.db)).toBe(0);
    expect((await stored(integration.id)).previousSecret).not.toBeNull();

    const afterGrace = new Date(rotated.data.previousValidUntil.getTime() + 1000);
    expect(await queries.clearExpiredPreviousSecrets(p.db.db, afterGrace)).toBe(1);
    const after = await stored(integration.id);
    expect(after.previousSecret).toBeNull();
    expect(after.previousSecretExpiresAt).toBeNull();
  });

  it("a new URL needs the header value again; the stored one is never sent to the new address", async () => {
    receiver = await startReceiver();
    const { integration } = await create(receiver.urlFor("/webhook/old"));
    const input = {
      name: integration.name,
      eventTypes: [...CHANGE_EVENT_TYPES],
      headerName: "X-N8N-Auth",
      headerValue: null,
    };
    const before = await stored(integration.id);

    const moved = await ops.editIntegration(
      integration.id,
      { ...input, url: "https://elsewhere.example/webhook/x" },
      p.db.db,
    );
    expect(moved).toEqual({
      ok: false,
      message: ops.HEADER_VALUE_AGAIN_MESSAGE,
      fieldErrors: { headerValue: [ops.HEADER_VALUE_AGAIN_MESSAGE] },
    });
    expect(await stored(integration.id)).toEqual(before);

    // Through the edit form's action: the same refusal, and the new URL comes back to the form.
    const { updateIntegrationAction } = await import("@/app/(app)/integrations/actions");
    const form = new FormData();
    form.set("id", String(integration.id));
    form.set("name", integration.name);
    form.set("url", receiver.urlFor("/webhook/new"));
    form.set("eventTypes", "workitem_created");
    form.set("headerName", "X-N8N-Auth");
    form.set("headerValue", "");
    const refused = await asUser("admin", () => updateIntegrationAction(form));
    expect(refused).toMatchObject({
      ok: false,
      fieldErrors: { headerValue: [ops.HEADER_VALUE_AGAIN_MESSAGE] },
      values: { url: receiver.urlFor("/webhook/new") },
    });
    expect(JSON.stringify(refused)).not.toContain(HEADER_VALUE);
    expect(await stored(integration.id)).toEqual(before);

    // The same URL keeps the stored value; a new URL with the value typed again is saved.
    const kept = await ops.editIntegration(
      integration.id,
      { ...input, url: receiver.urlFor("/webhook/old") },
      p.db.db,
    );
    expect(kept.ok).toBe(true);
    expect((await stored(integration.id)).headerValue).toBe(before.headerValue);
    const retyped = await ops.editIntegration(
      integration.id,
      { ...input, url: receiver.urlFor("/webhook/new"), headerValue: "a-new-value" },
      p.db.db,
    );
    expect(retyped.ok).toBe(true);
    await newItem();
    const [request] = await receiver.waitForRequests(1, WAIT);
    expect(request.path).toBe("/webhook/new");
    expect(request.headers["x-n8n-auth"]).toBe("a-new-value");
  });
});
