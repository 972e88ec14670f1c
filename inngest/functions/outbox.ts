import { getDb } from "@/db/client";
import { logger } from "@/lib/logger";
import {
  listUndispatchedChangeEvents,
  markChangeEventsDispatched,
  toInngestEvents,
} from "@/server/deliveries/outbox";
import { inngest } from "../client";
import { outboxFlushRequested } from "../events";

/** Younger events may still be on their way from the action that wrote them. */
const GRACE_SECONDS = 10;
const BATCH = 500;
/** Batches per run; a larger backlog is left to the next minute's run. */
const MAX_BATCHES = 20;

/** The outbox's safety net: every minute (or on request), send what a save could not. */
export const redispatchOutbox = inngest.createFunction(
  {
    id: "redispatch-outbox",
    triggers: [{ cron: "* * * * *" }, outboxFlushRequested],
    concurrency: { limit: 1 },
  },
  async ({ event, step }) => {
    const seconds = event.name === outboxFlushRequested.name ? 0 : GRACE_SECONDS;
    let sent = 0;
    for (let batch = 0; batch < MAX_BATCHES; batch++) {
      const events = await step.run(`list-undispatched-${batch}`, async () =>
        toInngestEvents(await listUndispatchedChangeEvents(getDb(), { seconds }, BATCH)),
      );
      const ids = events.flatMap((e) => e.data.changes.map((c) => c.changeEventId));
      if (ids.length === 0) break;
      await step.sendEvent(`send-${batch}`, events);
      await step.run(`mark-dispatched-${batch}`, () => markChangeEventsDispatched(getDb(), ids));
      sent += ids.length;
      if (ids.length < BATCH) break;
    }
    if (sent > 0) logger.info(`Re-sent ${sent} undispatched change event(s)`);
    return { sent };
  },
);
