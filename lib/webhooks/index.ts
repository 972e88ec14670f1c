export {
  classifyError,
  classifyResponse,
  type DeliverWebhookInput,
  type DeliveryClass,
  type DeliveryErrorKind,
  type DeliveryResult,
  deliverWebhook,
  parseRetryAfter,
  RESPONSE_BODY_LIMIT_BYTES,
  WEBHOOK_USER_AGENT,
} from "./deliver";
export { hintFor, N8N_HINTS } from "./n8n-hints";
export {
  type BuildWebhookBodyInput,
  buildWebhookBody,
  type FieldChanges,
  type JsonSnapshot,
  serializeBody,
  type WebhookBody,
} from "./payload";
export { REDACTED, redactHeaders, SECRET_HEADER_NAMES } from "./redact";
export { generateSecret, SECRET_PREFIX, signWebhook, type WebhookSignatureHeaders } from "./sign";
export {
  ALLOWLIST_ENV_NAME,
  type Allowlist,
  type AllowlistEntry,
  checkAddress,
  createGuardedDispatcher,
  DEFAULT_CONNECT_TIMEOUT_MS,
  type GuardedDispatcherOptions,
  isAddressAllowed,
  isAddressBlocked,
  isHostnameAllowed,
  parseAllowlist,
  SSRF_BLOCKED,
  SsrfBlockedError,
  type UrlValidation,
  validateWebhookUrl,
} from "./ssrf";
