import { playgroundRoute } from "@/lib/playground/route";

export const POST = playgroundRoute;
