import { expect, it } from "vitest";
import { creditGrants } from "@/db/schema";
import { GatewayError } from "@/lib/gateway/errors";
import { startExchange, type Exchange } from "@/lib/gateway/exchange";
import { changeDirectory } from "@/lib/state/directory-changes";
import { createSnapshotDirectory } from "@/lib/state/snapshot-directory";
import { describeEachDatabase } from "@/tests/support/harness";
import { testKeyring } from "@/tests/support/keyring";
import { allSettled } from "@/tests/support/limits";
import { seedTeam } from "@/tests/support/seed";
import { Admission } from "./admission";
import { PostgresCounterStore } from "./postgres-store";

/** No response cache: admitRequest admits the spend rules with the rate limits, in one store call. */
const uncached = { cacheTtl: 0, cacheKey: undefined };

// Operator keys are resolved by the credential step (another change); here the key source is set
// as that step sets it, to check the credits rule admission adds for it.
describeEachDatabase("admission: the team's credits for operator keys", (database) => {
  async function setup(grantedMicros: number) {
    const { db } = database();
    const t = await seedTeam(db, { serverUrl: "http://gateway.test" });
    if (grantedMicros > 0) {
      await changeDirectory(db, t.team.id, (tx) => tx.insert(creditGrants).values({ id: `cg_${t.team.id}`, teamId: t.team.id, amountMicros: grantedMicros }));
    }
    const directory = createSnapshotDirectory(db, testKeyring);
    const admission = new Admission({ store: new PostgresCounterStore(db), directory });
    const access = { team: { id: t.team.id, slug: t.team.slug }, gateway: t.gateway, token: undefined };
    const exchange = (keySource: Exchange["keySource"]): Exchange => {
      const request = { method: "POST", path: "/", query: "", headers: new Headers(), signal: new AbortController().signal, readBody: () => Promise.resolve(undefined) };
      return Object.assign(startExchange(request), { keySource, provider: "openai", model: "gpt-4o-mini", teamId: t.team.id, gateway: t.gateway });
    };
    return { admission, access, exchange, close: () => directory.close() };
  }

  it("refuses an operator key's call with 402 and 2021 when the team has no credits, and not a team key's", async () => {
    const { admission, access, exchange, close } = await setup(0);
    try {
      const refusal = await admission.admitRequest(exchange("operator"), access, uncached, { max_tokens: 10 }).then(
        () => undefined,
        (error: unknown) => error,
      );
      expect(refusal).toBeInstanceOf(GatewayError);
      expect(refusal).toMatchObject({ httpCode: 402, internalCode: 2021 });
      expect((refusal as GatewayError).message).toContain("BYOK");
      // A team's own key is not charged to credits: no rule applies, nothing is reserved.
      const own = exchange("team");
      await admission.admitRequest(own, access, uncached, { max_tokens: 10 });
      expect(own.settlement).toBeUndefined();
    } finally {
      await close();
    }
  });

  it("leaves spend to admitSpend where the cache applies (a hit is served over budget), and admitSpend to nothing where it does not", async () => {
    const { admission, access, exchange, close } = await setup(0);
    try {
      const cached = { cacheTtl: 60, cacheKey: undefined };
      const beforeLookup = exchange("operator");
      await admission.admitRequest(beforeLookup, access, cached, { max_tokens: 10 });
      expect(beforeLookup.settlement).toBeUndefined();
      await expect(admission.admitSpend(beforeLookup, access, cached, { max_tokens: 10 })).rejects.toMatchObject({ internalCode: 2021 });
      // Uncached, admitRequest already answered for the spend rules: admitSpend checks nothing (no credits, no refusal).
      const afterAdmission = exchange("operator");
      await admission.admitSpend(afterAdmission, access, uncached, { max_tokens: 10 });
      expect(afterAdmission.settlement).toBeUndefined();
    } finally {
      await close();
    }
  });

  it("admits operator key calls while credits remain, and settles their cost against them", async () => {
    const { admission, access, exchange, close } = await setup(100);
    const store = new PostgresCounterStore(database().db);
    try {
      const first = exchange("operator");
      await admission.admitRequest(first, access, uncached, { max_tokens: 10 });
      first.settlement!.add(100, 30);
      first.settlement!.settle();
      const check = { counter: `credits:${access.team.id}`, window: { kind: "lifetime" } as const, limit: 100, durable: true };
      await allSettled(database().db);
      expect(await store.read([check])).toMatchObject([{ counted: 100, remaining: 0 }]);
      await expect(admission.admitRequest(exchange("operator"), access, uncached, undefined)).rejects.toMatchObject({ internalCode: 2021 });
    } finally {
      await close();
    }
  });
});
