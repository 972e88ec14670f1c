// npm run dev's first delivery: the seeded changes (and anything else left in the outbox) go out as soon as
// the engine has the app's functions, instead of at the outbox cron's next minute. An event sent before the
// functions are synced would match nothing and be lost, so this waits for them on the engine's GET /dev.

const FLUSH_FUNCTION = /(^|-)redispatch-outbox$/;

/**
 * Polls `${engineUrl}/dev` until the outbox function is registered, then sends one
 * `webhooks/outbox.flush_requested`. Resolves true once sent, false when `signal` aborts first.
 */
export async function flushOutboxOnceSynced({
  engineUrl,
  eventKey = "dev",
  intervalMs = 500,
  signal,
  onError = () => {},
}) {
  while (!signal?.aborted) {
    try {
      const res = await fetch(new URL("/dev", engineUrl), { signal });
      const info = res.ok ? await res.json() : null;
      if (Array.isArray(info?.functions) && info.functions.some((f) => FLUSH_FUNCTION.test(String(f.id)))) {
        const sent = await fetch(new URL(`/e/${encodeURIComponent(eventKey)}`, engineUrl), {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ name: "webhooks/outbox.flush_requested", data: { reason: "startup" } }),
          signal,
        });
        if (sent.ok) return true;
        onError(new Error(`the engine answered ${sent.status} to the outbox flush`));
      }
    } catch (error) {
      if (signal?.aborted) break;
      // Not up yet: the engine and the app start together.
      if (!(error instanceof TypeError)) onError(error);
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
  return false;
}
