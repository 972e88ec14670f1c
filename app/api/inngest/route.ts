import { serve } from "inngest/next";
import type { NextRequest } from "next/server";
import { BODY_LIMITS, limitBody } from "@/app/api/http";
import { inngest } from "@/inngest/client";
import { functions } from "@/inngest/functions";

export const dynamic = "force-dynamic";

const handlers = serve({ client: inngest, functions });

/** The SDK reads whole bodies; ours are read within BODY_LIMITS.inngest first (413 past it). */
function limited(handler: typeof handlers.POST) {
  return async (request: NextRequest, context: unknown) => {
    const within = await limitBody(request, BODY_LIMITS.inngest);
    if (within instanceof Response) return within;
    return handler(within as NextRequest, context);
  };
}

export const GET = handlers.GET;
export const POST = limited(handlers.POST);
export const PUT = limited(handlers.PUT);
