/** Password rules shared by better-auth's config, the admin page and the create-admin script. */
export const MIN_PASSWORD_LENGTH = 10;
export const MAX_PASSWORD_LENGTH = 128;

/** Sign-in attempts are counted per client IP over this window (limit: SIGN_IN_RATE_LIMIT, default 5). */
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
