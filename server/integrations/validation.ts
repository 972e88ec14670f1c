import { z } from "zod";
import { CHANGE_EVENT_TYPES } from "@/db/schema";
import { env } from "@/lib/env";
import { hasControlCharacters, isAscii } from "@/lib/text";
import { parseAllowlist, validateWebhookUrl } from "@/server/deliveries/ssrf";

const HEADER_NAME = /^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/;

/**
 * Names the extra header may not take: what we set ourselves (the body's framing, the signature), and
 * hop-by-hop or framing headers that undici refuses at send time (every delivery would then fail as
 * "unknown" until someone noticed) or that would change how the request is framed or routed.
 */
const RESERVED_HEADERS = new Set([
  "connection",
  "content-length",
  "content-type",
  "expect",
  "host",
  "keep-alive",
  "te",
  "trailer",
  "transfer-encoding",
  "upgrade",
  "user-agent",
  "webhook-id",
  "webhook-signature",
  "webhook-timestamp",
]);

/** Lower-case names the extra header may not take (`Proxy-*` too). */
function isReservedHeaderName(name: string): boolean {
  const lower = name.toLowerCase();
  return RESERVED_HEADERS.has(lower) || lower.startsWith("proxy-");
}

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
        (v) => v === null || !isReservedHeaderName(v),
        "This header is set by Fixed Service or controls the connection; choose another name",
      ),
    headerValue: z
      .string()
      .max(2000, "At most 2000 characters")
      // Sent as-is: CR or LF would split the request (undici refuses them, so every delivery would fail),
      // NUL and other controls are refused by HTTP parsers. Tab is allowed (RFC 9110 field-vchar + HTAB).
      .refine(
        (v) => !hasControlCharacters(v, ["\t"]),
        "The value may not contain line breaks or other control characters",
      )
      .refine(isAscii, "Use ASCII characters only (HTTP header values are bytes)")
      .refine((v) => v === v.trim(), "The value may not start or end with spaces")
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
