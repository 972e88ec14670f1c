import { z } from "zod";
import { CHANGE_EVENT_TYPES } from "@/db/schema";
import { env } from "@/lib/env";
import { parseAllowlist, validateWebhookUrl } from "@/server/deliveries/ssrf";

const HEADER_NAME = /^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/;
const RESERVED_HEADERS = new Set([
  "content-type",
  "content-length",
  "host",
  "user-agent",
  "webhook-id",
  "webhook-timestamp",
  "webhook-signature",
]);

const eventTypes = z
  .array(z.enum(CHANGE_EVENT_TYPES))
  .min(1, "Choose at least one event type")
  .transform((types) => [...new Set(types)]);

const url = z
  .string()
  .trim()
  .min(1, "Enter the webhook URL")
  .max(2000, "The URL is too long")
  .superRefine((value, ctx) => {
    const result = validateWebhookUrl(value, { allowlist: parseAllowlist(env().WEBHOOK_ALLOWED_HOSTS) });
    if (!result.ok) ctx.addIssue({ code: "custom", message: result.message });
  });

/** The integration form. The header is optional, but a name needs a value and the other way round. */
export const integrationInput = z
  .object({
    name: z
      .string()
      .trim()
      .min(1, "Enter a name")
      .max(80, "At most 80 characters")
      .regex(/^[\w .-]+$/, "Use letters, digits, spaces, dots, dashes and underscores"),
    url,
    eventTypes,
    headerName: z
      .string()
      .trim()
      .max(100)
      .optional()
      .transform((v) => v || null)
      .refine((v) => v === null || HEADER_NAME.test(v), "Not a valid HTTP header name")
      .refine(
        (v) => v === null || !RESERVED_HEADERS.has(v.toLowerCase()),
        "This header is set by Fixed Service",
      ),
    headerValue: z
      .string()
      .max(2000)
      .optional()
      .transform((v) => v || null),
  })
  .superRefine((value, ctx) => {
    if (value.headerName && !value.headerValue) {
      ctx.addIssue({ code: "custom", path: ["headerValue"], message: "Enter the header's value" });
    }
    if (value.headerValue && !value.headerName) {
      ctx.addIssue({ code: "custom", path: ["headerName"], message: "Enter the header's name" });
    }
  });

export type IntegrationInput = z.infer<typeof integrationInput>;
