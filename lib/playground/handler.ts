import { config } from "@/lib/config";
import { handleGatewayRequest } from "@/lib/gateway/process";
import type { ServiceContext } from "@/lib/services/context";
import { ServiceError } from "@/lib/services/errors";
import { plainTextResponse, SERVICE_ERROR_STATUS } from "@/lib/text-response";
import { streamPlaygroundChat, type PlaygroundDeps } from "./chat";

/**
 * POST /api/playground: `ctx` is the signed-in user's (null when nobody is signed in). Service
 * errors become their HTTP status with the message as a plain-text body, which useChat shows as the error.
 */
export async function handlePlaygroundRequest(
  req: Request,
  ctx: ServiceContext | null,
  deps: PlaygroundDeps = { gateway: handleGatewayRequest, publicUrl: config().publicUrl },
): Promise<Response> {
  if (!ctx) return plainTextResponse(401, "Your session has ended: sign in again to use the playground.");
  let body: unknown;
  try {
    body = await req.json();
  } catch {
    return plainTextResponse(400, "The request body must be JSON.");
  }
  try {
    return await streamPlaygroundChat({ ctx, body, deps, signal: req.signal });
  } catch (error) {
    if (error instanceof ServiceError) return plainTextResponse(SERVICE_ERROR_STATUS[error.kind], error.message);
    throw error;
  }
}
