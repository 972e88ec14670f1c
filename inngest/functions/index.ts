import { deliverWebhookFunction } from "./deliver-webhook";
import { fanOutChangeEvent } from "./fan-out";
import { pruneOldSyncs, recoverFailedSyncs, recoverStuckSyncs } from "./maintenance";
import { emailPauseNotice, sendOpsWebhookFunction } from "./notifications";
import { redispatchOutbox } from "./outbox";

export const functions = [
  fanOutChangeEvent,
  deliverWebhookFunction,
  redispatchOutbox,
  recoverStuckSyncs,
  pruneOldSyncs,
  recoverFailedSyncs,
  emailPauseNotice,
  sendOpsWebhookFunction,
];
