import { getDb } from "@/db/client";
import { logger } from "@/lib/logger";
import { sendChangeEvents } from "@/server/deliveries/outbox";
import { listUndispatchedChangeEvents } from "@/server/deliveries/syncs";
import { inngest } from "../client";
import { outboxFlushRequested } from "../events";

/** Younger events may still be on their way from the action that wrote them. */
const GRACE_SECONDS = 10;

export async function flushOutbox(options: { graceSeconds?: number } = {}): Promise<number> {
  const db = getDb();
  let sent = 0;
  for (;;) {
    const batch = await listUndispatchedChangeEvents(db, { seconds: options.graceSeconds ?? GRACE_SECONDS });
    if (batch.length === 0) break;
    const ok = await sendChangeEvents(db, batch);
    if (!ok) throw new Error(`Could not send ${batch.length} undispatched change event(s)`);
    sent += batch.length;
    if (batch.length < 500) break;
  }
  if (sent > 0) logger.info({ sent }, `Re-sent ${sent} undispatched change event(s)`);
  return sent;
}

/** The outbox's safety net: every minute (or on request), send what a save could not. */
export const redispatchOutbox = inngest.createFunction(
  {
    id: "redispatch-outbox",
    triggers: [{ cron: "* * * * *" }, outboxFlushRequested],
    concurrency: { limit: 1 },
  },
  async ({ event, step }) => {
    const graceSeconds = event.name === outboxFlushRequested.name ? 0 : GRACE_SECONDS;
    return step.run("send-undispatched", () => flushOutbox({ graceSeconds }));
  },
);
