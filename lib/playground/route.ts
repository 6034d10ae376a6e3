import { db } from "@/db/client";
import { currentUser } from "@/lib/auth/session";
import { handlePlaygroundRequest } from "./handler";

/** The route handler's whole body: the session's user, then the playground. */
export async function playgroundRoute(req: Request): Promise<Response> {
  const user = await currentUser();
  return handlePlaygroundRequest(req, user ? { db: await db(), actor: { type: "user", userId: user.id } } : null);
}
