import { z } from "zod";
import { signBody } from "./signing";
import type { AppRecord, FunctionConfig } from "./types";

const functionSchema = z
  .object({
    id: z.string().min(1),
    triggers: z
      .array(
        z
          .object({
            event: z.string().optional(),
            expression: z.string().optional(),
            cron: z.string().optional(),
          })
          .passthrough(),
      )
      .default([]),
    steps: z.record(
      z.string(),
      z.object({ runtime: z.object({ url: z.string() }).passthrough() }).passthrough(),
    ),
  })
  .passthrough();

/** Body of `POST /fn/register` (out-of-band sync, sent by the SDK). */
const registerSchema = z
  .object({
    url: z.string().url(),
    appName: z.string().min(1),
    functions: z.array(functionSchema).default([]),
  })
  .passthrough();

/** Answer to an in-band `PUT` sync. */
const inBandSchema = z
  .object({
    app_id: z.string().min(1),
    url: z.string().url().optional(),
    functions: z.array(functionSchema).default([]),
  })
  .passthrough();

export function appFromRegister(body: unknown): AppRecord {
  const parsed = registerSchema.parse(body);
  return {
    id: parsed.appName,
    url: parsed.url,
    functions: parsed.functions as unknown as FunctionConfig[],
    syncedAt: Date.now(),
  };
}

/**
 * Asks an SDK app for its configuration with an in-band `PUT`. Returns undefined when the SDK chose
 * to register out-of-band instead (it then calls `POST /fn/register` itself).
 */
export async function fetchAppInBand(url: string, signingKey?: string): Promise<AppRecord | undefined> {
  const body = { url };
  const headers: Record<string, string> = {
    "content-type": "application/json",
    "x-inngest-sync-kind": "in_band",
    "x-inngest-server-kind": signingKey ? "cloud" : "dev",
  };
  if (signingKey) headers["x-inngest-signature"] = signBody(body, signingKey);
  const res = await fetch(url, {
    method: "PUT",
    headers,
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(30_000),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`sync of ${url} answered ${res.status}: ${text.slice(0, 500)}`);
  if (res.headers.get("x-inngest-sync-kind") !== "in_band") return undefined;
  const parsed = inBandSchema.parse(JSON.parse(text));
  return {
    id: parsed.app_id,
    url: parsed.url ?? url,
    functions: parsed.functions as unknown as FunctionConfig[],
    syncedAt: Date.now(),
  };
}
