import { expect, it } from "vitest";
import { describeEachDatabase } from "@/tests/support/harness";
import { PostgresCounterStore } from "./postgres-store";

describeEachDatabase("PostgresCounterStore", (database) => {
  it("admits while the count is under the limit, then refuses, and settles the actual amount", async () => {
    let now = Date.UTC(2026, 0, 1, 0, 0, 10);
    const store = new PostgresCounterStore(database().db, { now: () => now });
    const check = { counter: `smoke|${Math.random()}`, window: { kind: "fixed", seconds: 60 } as const, limit: 100, amount: 60, durable: true };
    const first = await store.reserve([check]);
    expect(first.admitted).toBe(true);
    const second = await store.reserve([check]);
    expect(second.admitted).toBe(true);
    const third = await store.reserve([check]);
    expect(third).toMatchObject({ admitted: false, refused: 0, states: [{ counted: 120, remaining: 0, retryAfterMs: 50_000 }] });
    if (!first.admitted) return;
    await store.settle(first.reservationId, [10]);
    expect(await store.read([check])).toMatchObject([{ counted: 70 }]);
    now += 60_000;
    expect(await store.read([check])).toMatchObject([{ counted: 0 }]);
  });
});
