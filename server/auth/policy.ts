/** Password rules shared by better-auth's config, the admin page and the create-admin script. */
export const MIN_PASSWORD_LENGTH = 10;
export const MAX_PASSWORD_LENGTH = 128;

/**
 * Sign-in limits (README, Security). SIGN_IN_RATE_LIMIT (default 5) is the failed attempts one client
 * may make on one account per failure window; the account as a whole takes CAP_FACTOR times that from
 * all clients, then one attempt per slot; one client may make CLIENT_FACTOR times that per minute on
 * any accounts (better-auth's per-client limiter).
 */
export const SIGN_IN_FAILURE_WINDOW_SECONDS = 15 * 60;
export const SIGN_IN_ACCOUNT_CAP_FACTOR = 4;
export const SIGN_IN_ACCOUNT_SLOT_SECONDS = 30;
export const SIGN_IN_CLIENT_FACTOR = 4;
export const SIGN_IN_RATE_WINDOW_SECONDS = 60;

/** A session slides: used within a day of its last refresh it lives another week… */
export const SESSION_SLIDING_SECONDS = 60 * 60 * 24 * 7;
export const SESSION_REFRESH_SECONDS = 60 * 60 * 24;
/** …but never longer than this after sign-in, used or not. */
const SESSION_ABSOLUTE_SECONDS = 60 * 60 * 24 * 30;

/** The latest a session may expire: its sign-in time plus the absolute lifetime. */
export function sessionDeadline(createdAt: Date | string | number): Date {
  return new Date(new Date(createdAt).getTime() + SESSION_ABSOLUTE_SECONDS * 1000);
}
