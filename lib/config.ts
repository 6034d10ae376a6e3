import os from "node:os";
import path from "node:path";
import { DEFAULT_CACHE_MAX_BYTES } from "@/lib/cache/memory-store";

/** Every environment variable Switchyard reads, parsed in one place (documented in README, "Configuration"). */
export interface Config {
  port: number;
  /** Where the embedded database and the generated master key live. */
  dataDir: string;
  databaseUrl: string | undefined;
  databaseDriver: "pglite" | "postgres" | "neon";
  /** `SWITCHYARD_MASTER_KEYS="v1:base64,v2:base64"`; the last entry encrypts, all decrypt. */
  masterKeys: string | undefined;
  /** Refuse request bodies larger than this many bytes. */
  maxBodyBytes: number;
  /** Streams one gateway token may have open at once on this instance; 0 for no limit. */
  maxStreamsPerToken: number;
  /** Let upstream URLs resolve to private, loopback and link-local addresses (self-hosted models, tests). */
  allowPrivateUpstreams: boolean;
  /** Public base URL printed by the CLI and shown in the dashboard. */
  publicUrl: string;
  /** Server processes `npm start` runs on Postgres (node:cluster); the embedded PGlite database runs one. */
  workers: number;
  /** Bearer token that `GET /metrics` requires; unset turns the endpoint off (404). */
  metricsToken: string | undefined;
  /** Print stack traces with logged errors; off, every error is one line. */
  debug: boolean;
  /** Per-connection limits of the node:http server (server.ts). */
  http: HttpLimits;
  /** `redis://…`: the response cache and the limits' counters, shared by every instance; unset, each process caches in its memory and limits count in the database. */
  redisUrl: string | undefined;
  /** The in-memory cache's budget in bytes (entries and keys), per process. */
  cacheMaxBytes: number;
}

export interface HttpLimits {
  /** Request line plus headers; larger ones are refused with 431. */
  maxHeaderBytes: number;
  /** Time to receive a request's headers; slower clients get 408. */
  headersTimeoutMs: number;
  /** Time to receive a whole request, body included (not to send the response, so streams are not cut). */
  requestTimeoutMs: number;
  /** How long an idle keep-alive connection stays open. */
  keepAliveTimeoutMs: number;
}

function flag(value: string | undefined): boolean {
  return value === "1" || value?.toLowerCase() === "true";
}

function positiveInt(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined || value === "") return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`${name} must be a positive integer, got "${value}"`);
  return n;
}

function nonNegativeInt(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined || value === "") return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new Error(`${name} must be a whole number, 0 or more, got "${value}"`);
  return n;
}

function driverFor(url: string | undefined, explicit: string | undefined): Config["databaseDriver"] {
  if (explicit) {
    if (explicit === "pglite" || explicit === "postgres" || explicit === "neon") return explicit;
    throw new Error(`DATABASE_DRIVER must be pglite, postgres or neon, got "${explicit}"`);
  }
  if (!url) return "pglite";
  if (/\.neon\.tech(:\d+)?\//.test(url) || url.includes(".neon.tech")) return "neon";
  if (/^postgres(ql)?:\/\//.test(url)) return "postgres";
  throw new Error(`DATABASE_URL must start with postgres:// or postgresql://`);
}

function httpLimits(env: NodeJS.ProcessEnv): HttpLimits {
  const limits: HttpLimits = {
    maxHeaderBytes: positiveInt("SWITCHYARD_MAX_HEADER_BYTES", env.SWITCHYARD_MAX_HEADER_BYTES, 16 * 1024),
    headersTimeoutMs: positiveInt("SWITCHYARD_HEADERS_TIMEOUT_MS", env.SWITCHYARD_HEADERS_TIMEOUT_MS, 60_000),
    requestTimeoutMs: positiveInt("SWITCHYARD_REQUEST_TIMEOUT_MS", env.SWITCHYARD_REQUEST_TIMEOUT_MS, 300_000),
    // Outlive the 60 s idle timeout of common load balancers so they never reuse a socket we just closed.
    keepAliveTimeoutMs: positiveInt("SWITCHYARD_KEEP_ALIVE_TIMEOUT_MS", env.SWITCHYARD_KEEP_ALIVE_TIMEOUT_MS, 65_000),
  };
  // node:http refuses to start otherwise; say which settings to change.
  if (limits.headersTimeoutMs > limits.requestTimeoutMs) {
    throw new Error(
      `SWITCHYARD_HEADERS_TIMEOUT_MS (${limits.headersTimeoutMs}) must not exceed SWITCHYARD_REQUEST_TIMEOUT_MS (${limits.requestTimeoutMs})`,
    );
  }
  return limits;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const port = positiveInt("PORT", env.PORT, 3000);
  return {
    port,
    dataDir: path.resolve(/*turbopackIgnore: true*/ env.SWITCHYARD_DATA_DIR || ".switchyard"),
    databaseUrl: env.DATABASE_URL || undefined,
    databaseDriver: driverFor(env.DATABASE_URL || undefined, env.DATABASE_DRIVER || undefined),
    masterKeys: env.SWITCHYARD_MASTER_KEYS || undefined,
    maxBodyBytes: positiveInt("SWITCHYARD_MAX_BODY_BYTES", env.SWITCHYARD_MAX_BODY_BYTES, 10 * 1024 * 1024),
    maxStreamsPerToken: nonNegativeInt("SWITCHYARD_MAX_STREAMS_PER_TOKEN", env.SWITCHYARD_MAX_STREAMS_PER_TOKEN, 64),
    allowPrivateUpstreams: flag(env.SWITCHYARD_ALLOW_PRIVATE_UPSTREAMS),
    publicUrl: (env.SWITCHYARD_PUBLIC_URL || `http://localhost:${port}`).replace(/\/+$/, ""),
    workers: positiveInt("WORKERS", env.WORKERS, os.availableParallelism()),
    metricsToken: env.SWITCHYARD_METRICS_TOKEN || undefined,
    debug: flag(env.SWITCHYARD_DEBUG),
    http: httpLimits(env),
    redisUrl: env.REDIS_URL || undefined,
    cacheMaxBytes: positiveInt("SWITCHYARD_CACHE_MAX_BYTES", env.SWITCHYARD_CACHE_MAX_BYTES, DEFAULT_CACHE_MAX_BYTES),
  };
}

let current: Config | undefined;

export function config(): Config {
  current ??= loadConfig();
  return current;
}
