export interface GatewayBaseUrls {
  /** OpenAI-compatible endpoint for every provider: `model: "{provider}/{model}"`. */
  compat: string;
  /** Provider-native paths; `{provider}` is a provider slug or `custom-{slug}`. */
  passthrough: string;
  /** Cloudflare's REST API shape; the `cf-aig-gateway-id` header picks the gateway. */
  rest: string;
  universal: string;
}

export function gatewayBaseUrls(publicUrl: string, teamSlug: string, gatewaySlug: string): GatewayBaseUrls {
  return {
    compat: `${publicUrl}/v1/${teamSlug}/${gatewaySlug}/compat`,
    passthrough: `${publicUrl}/v1/${teamSlug}/${gatewaySlug}/{provider}`,
    rest: `${publicUrl}/client/v4/accounts/${teamSlug}/ai/v1`,
    universal: `${publicUrl}/ai/v1`,
  };
}
