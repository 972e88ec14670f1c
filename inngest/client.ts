import { Inngest } from "inngest";
import { inngestLogger } from "./logger";

/**
 * The app reads only INNGEST_DEV, INNGEST_BASE_URL, INNGEST_EVENT_KEY and INNGEST_SIGNING_KEY (through
 * the SDK), so the same build runs on the local engine, the Inngest Dev Server or Inngest Cloud.
 */
export const inngest = new Inngest({ id: "fixed-service", logger: inngestLogger });
