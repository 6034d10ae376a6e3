import type { ResponseCache } from "@/lib/cache/response-cache";
import type { Admission } from "@/lib/limits/admission";
import type { Access } from "../auth";
import type { GatewayDirectory } from "@/lib/state/directory";
import type { GatewayRequest } from "../contract";
import type { Exchange } from "../exchange";
import type { RelayDeps } from "../relay";
import type { ServeSurface } from "./universal";

/** What every surface gets once the request is authorized. */
export interface SurfaceContext {
  req: GatewayRequest;
  exchange: Exchange;
  access: Access;
  /** The client sent its own provider key (`Authorization` / `x-api-key` without a gateway token). */
  clientSentKey: boolean;
  directory: GatewayDirectory;
  relay: RelayDeps;
  /** Looked up around each surface's upstream call. */
  cache: ResponseCache;
  /** Rate limits before the cache lookup, budgets and credits on a miss (lib/limits/admission.ts). */
  limits: Admission;
  maxBodyBytes: number;
  /**
   * No Universal step follows this one (always true outside the Universal endpoint): its last
   * attempt waits for the provider's first byte however long it takes, as Cloudflare's does.
   */
  finalStep: boolean;
  /** index.ts's dispatch by surface: how a Universal step, or the gateway's call to itself (a guardrail evaluation), is served. */
  serveSurface: ServeSurface;
}
