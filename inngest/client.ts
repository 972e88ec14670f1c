import { Inngest } from "inngest";
import { logger } from "@/lib/logger";
import { sdkLogger } from "./sdk-logger";

/**
 * The app reads only INNGEST_DEV, INNGEST_BASE_URL, INNGEST_EVENT_KEY, INNGEST_SIGNING_KEY and, during a
 * key rotation, INNGEST_SIGNING_KEY_FALLBACK (through the SDK), so the same build runs on the local
 * engine, the Inngest Dev Server or Inngest Cloud. The SDK logs through the app's logger (its default
 * prints multi-line stacks to the console).
 */
export const inngest = new Inngest({
  id: "fixed-service",
  logger: sdkLogger(logger.child({ component: "inngest" })),
});
