import { PostgresCounterStore } from "./postgres-store";
import { counterStoreSuite } from "./store-suite";

counterStoreSuite({
  name: "postgres",
  open: ({ db, now }) => new PostgresCounterStore(db, { now }),
  flush: async () => {},
});
