import { getDb } from "@/db/client";
import { emailNotice } from "@/server/notifications/mail";
import { markNoticeReceived } from "@/server/notifications/notices";
import { type OpsTrigger, sendOpsNotification } from "@/server/notifications/ops-webhook";
import { inngest } from "../client";
import {
  type DeliveryFailedEvent,
  deliveryFailed,
  type IntegrationPausedEvent,
  integrationPaused,
  integrationResumed,
} from "../events";

/**
 * Telling people, away from the delivery path: each notice's e-mail and each operational webhook is a
 * run of its own, started by an event the delivery step handed back, so a mail server or an ops receiver
 * that is down retries here (10 retries on Inngest's backoff, a few hours) and never holds up a delivery.
 */
export const emailPauseNotice = inngest.createFunction(
  { id: "email-pause-notice", triggers: [integrationPaused], retries: 10 },
  async ({ event, step }) => {
    const { noticeId } = event.data;
    // The safety net re-sends a notice's event until a run has it (notices.ts undispatchedNoticeEvents).
    await step.run("mark-received", () => markNoticeReceived(getDb(), noticeId));
    return step.run("send-email", () => emailNotice(getDb(), noticeId));
  },
);

type Data<E extends { data: unknown }> = E["data"];

function opsTrigger(event: { name: string; data: unknown }): OpsTrigger {
  if (event.name === integrationPaused.name) {
    return { kind: "paused", noticeId: (event.data as Data<IntegrationPausedEvent>).noticeId };
  }
  if (event.name === integrationResumed.name) {
    return { kind: "resumed", ...(event.data as Data<ReturnType<typeof integrationResumed.create>>) };
  }
  return { kind: "failed", ...(event.data as Data<DeliveryFailedEvent>) };
}

export const sendOpsWebhookFunction = inngest.createFunction(
  { id: "send-ops-webhook", triggers: [integrationPaused, integrationResumed, deliveryFailed], retries: 10 },
  async ({ event, step }) => {
    const trigger = opsTrigger(event);
    return step.run("post-ops-webhook", () => sendOpsNotification(getDb(), trigger));
  },
);
