/** Password rules shared by better-auth's config, the admin page and the create-admin script. */
export const MIN_PASSWORD_LENGTH = 10;
export const MAX_PASSWORD_LENGTH = 128;

/** Sign-in attempts are counted per client IP over this window (limit: SIGN_IN_RATE_LIMIT, default 5). */
export const SIGN_IN_RATE_WINDOW_SECONDS = 60;
