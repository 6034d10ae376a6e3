import { ALLOW_PRIVATE_UPSTREAMS_HINT, refusalForHost } from "@/lib/gateway/private-address";
import { InvalidInputError } from "./errors";

/**
 * Refuses a base URL on a loopback, private or other non-public address when it is saved, unless the
 * deployment allows private upstreams, so the mistake shows where it is made rather than on a later
 * request. The gateway checks again on every connection; that check is the guard, this is the early word.
 */
export async function assertPublicBaseUrl(baseUrl: string, allowPrivateUpstreams: boolean): Promise<void> {
  if (allowPrivateUpstreams) return;
  const refusal = await refusalForHost(new URL(baseUrl).hostname);
  if (refusal) {
    throw new InvalidInputError({
      field: "baseUrl",
      message: `${refusal.message}, and Switchyard sends requests only to public addresses (${ALLOW_PRIVATE_UPSTREAMS_HINT})`,
    });
  }
}
