import type { Database } from "@/db/client";
import type { config } from "@/lib/config";
import { PostgresCounterStore } from "./postgres-store";
import { RedisCounterStore } from "./redis-store";
import type { CounterStore } from "./store";

/** Redis when configured (atomic across every instance and worker on it), else the database itself. */
export function counterStoreFor(cfg: Pick<ReturnType<typeof config>, "redisUrl">, db: Database): CounterStore {
  return cfg.redisUrl ? new RedisCounterStore({ url: cfg.redisUrl, db }) : new PostgresCounterStore(db);
}
