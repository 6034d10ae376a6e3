/**
 * The crash tests' instance that dies: opens a counter store as the test says (env
 * STORE_CRASH_CHILD, JSON), reserves its check, prints the reservation id and waits to be killed.
 */
import { openDatabase } from "@/db/client";
import { PostgresCounterStore } from "./postgres-store";
import { RedisCounterStore } from "./redis-store";
import type { CounterCheck } from "./store";

interface ChildOrders {
  store: "postgres" | "redis";
  database: { driver: "postgres"; url: string } | { driver: "pglite"; dataDir: string };
  redis?: { url: string; keyPrefix: string };
  now: number;
  check: CounterCheck;
}

const orders = JSON.parse(process.env.STORE_CRASH_CHILD ?? "{}") as ChildOrders;
const handle = await openDatabase(orders.database);
await handle.migrate();
const now = () => orders.now;
const store =
  orders.store === "redis" ? new RedisCounterStore({ ...orders.redis!, db: handle.db, now }) : new PostgresCounterStore(handle.db, { now });
const outcome = await store.reserve([orders.check]);
if (!outcome.admitted) throw new Error("the crash child's reservation was refused");
process.stdout.write(`${outcome.reservationId}\n`);
// Waits for SIGKILL, holding its connections like a live instance.
setInterval(() => {}, 1 << 30);
