import { config } from "@/lib/config";
import { handleGatewayRequest } from "@/lib/gateway/process";
import type { ServiceContext } from "@/lib/services/context";
import { ServiceError } from "@/lib/services/errors";
import { streamPlaygroundChat, type PlaygroundDeps } from "./chat";

const STATUS: Record<ServiceError["kind"], number> = { invalid: 400, forbidden: 403, not_found: 404, conflict: 409 };

/** Plain text, because useChat shows a failed response's body as the error message. */
function refusal(status: number, message: string): Response {
  return new Response(message, { status, headers: { "content-type": "text/plain; charset=utf-8" } });
}

/**
 * POST /api/playground: `ctx` is the signed-in user's (null when nobody is signed in). Service
 * errors become their HTTP status with the message as the body.
 */
export async function handlePlaygroundRequest(
  req: Request,
  ctx: ServiceContext | null,
  deps: PlaygroundDeps = { gateway: handleGatewayRequest, publicUrl: config().publicUrl },
): Promise<Response> {
  if (!ctx) return refusal(401, "Your session has ended: sign in again to use the playground.");
  let body: unknown;
  try {
    body = await req.json();
  } catch {
    return refusal(400, "The request body must be JSON.");
  }
  try {
    return await streamPlaygroundChat({ ctx, body, deps, signal: req.signal });
  } catch (error) {
    if (error instanceof ServiceError) return refusal(STATUS[error.kind], error.message);
    throw error;
  }
}
