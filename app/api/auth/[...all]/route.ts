import { toNextJsHandler } from "better-auth/next-js";
import { getAuth } from "@/server/auth/server";

// The auth instance is built on first request (not at import), so `next build` opens no database.
const handler = (request: Request) => getAuth().handler(request);

export const { GET, POST, PATCH, PUT, DELETE } = toNextJsHandler(handler);
export const dynamic = "force-dynamic";
