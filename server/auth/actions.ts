"use server";

import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { logger } from "@/lib/logger";
import { SIGN_IN_PATH } from "./paths";
import { getAuth } from "./server";

/** Ends the session (row deleted, cookie cleared through nextCookies) and goes to the sign-in page. */
export async function signOutAction(): Promise<void> {
  try {
    await getAuth().api.signOut({ headers: await headers() });
  } catch (error) {
    // Already signed out (no or unknown session) is fine; anything else is ours to look at.
    logger.warn({ err: error }, "Sign-out did not complete cleanly");
  }
  redirect(SIGN_IN_PATH);
}
