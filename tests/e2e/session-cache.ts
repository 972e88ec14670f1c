import type { Browser, BrowserContext, Page } from "@playwright/test";
import { type DemoRole, signIn } from "./fixtures";

type StorageState = Awaited<ReturnType<BrowserContext["storageState"]>>;

/**
 * One sign-in per role per worker: sign-in is rate limited per client address (5 a minute), and the
 * delivery specs need several roles at once. Sessions live in memory, so a fresh server run never
 * sees a stale one.
 */
const states = new Map<DemoRole, StorageState>();

export async function pageAs(
  browser: Browser,
  role: DemoRole,
  viewport: { width: number; height: number } = { width: 1280, height: 800 },
): Promise<Page> {
  const cached = states.get(role);
  const context = await browser.newContext({ viewport, storageState: cached });
  const page = await context.newPage();
  if (!cached) {
    await signIn(page, role);
    states.set(role, await context.storageState());
  }
  return page;
}
