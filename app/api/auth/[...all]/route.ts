import { toNextJsHandler } from "better-auth/next-js";
import { BODY_LIMITS, limitBody } from "@/app/api/http";
import { getAuth } from "@/server/auth/server";

// The auth instance is built on first request (not at import), so `next build` opens no database.
// The body is read within its limit first: better-auth would parse any size.
const handler = async (request: Request) => {
  const limited = await limitBody(request, BODY_LIMITS.auth);
  return limited instanceof Response ? limited : getAuth().handler(limited);
};

export const { GET, POST, PATCH, PUT, DELETE } = toNextJsHandler(handler);
export const dynamic = "force-dynamic";
