import { eq, inArray } from "drizzle-orm";
import { expect, it } from "vitest";
import { requestLogPayloads, requestLogs } from "@/db/schema";
import { describeGateway } from "../support/harness";
import { bearer, chatBody, postJson } from "../support/http";
import type { SeededTeam } from "../support/seed";

/** One team's bad bytes must not cost another team a log row (issue 7: a NUL in a model name lost 167 of 300). */
describeGateway("log rows with bytes Postgres cannot store", (h) => {
  const B_REQUESTS = 300;

  async function send(t: SeededTeam, body: string, headers: Record<string, string> = {}): Promise<string> {
    const res = await postJson(`${t.gatewayUrl}/compat/chat/completions`, body, { ...bearer(t.token), ...headers });
    await res.arrayBuffer();
    const logId = res.headers.get("cf-aig-log-id");
    if (!logId) throw new Error(`no cf-aig-log-id on a ${res.status} answer`);
    return logId;
  }

  it("writes every row of the other team, and the poisoned rows with U+FFFD in place of NUL and lone surrogates", async () => {
    const a = await h.seed();
    const b = await h.seed();
    // Escapes in the JSON text, as a client would send them: JSON.parse makes them a NUL and a lone surrogate.
    const nulBody = JSON.stringify(chatBody("openai/gpt-4o-mini")).replace('"openai/gpt-4o-mini"', '"openai/gpt-4o-mini\\u0000"');
    const surrogateBody = JSON.stringify(chatBody("openai/gpt-4o-mini")).replace(
      '"content":"Say hello."',
      '"content":"Say \\ud800hello.\\u0000"',
    );
    const surrogateModelBody = JSON.stringify(chatBody("openai/gpt-4o-mini")).replace('"openai/gpt-4o-mini"', '"openai/gpt-4o-mini\\ud800"');
    const metadataHeader = { "cf-aig-metadata": '{"user\\u0000":"x\\udfff","n":1}' };

    // Team A's requests go out amid team B's, so they share log batches with B's rows.
    const bIds: string[] = [];
    const aIds: string[] = [];
    const bBody = JSON.stringify(chatBody("openai/gpt-4o-mini"));
    for (let round = 0; round < B_REQUESTS / 20; round++) {
      const bRound = Array.from({ length: 20 }, () => send(b, bBody));
      const aRound =
        round % 5 === 2
          ? [send(a, nulBody), send(a, surrogateBody), send(a, surrogateModelBody), send(a, bBody, metadataHeader)]
          : [];
      const [bDone, aDone] = await Promise.all([Promise.all(bRound), Promise.all(aRound)]);
      bIds.push(...bDone);
      aIds.push(...aDone);
    }
    await h.server.flushLogs();

    const bRows = await h.db.select({ id: requestLogs.id }).from(requestLogs).where(eq(requestLogs.teamId, b.team.id));
    expect(bRows).toHaveLength(B_REQUESTS);
    expect(new Set(bRows.map((r) => r.id))).toEqual(new Set(bIds));

    const aRows = await h.db.select().from(requestLogs).where(inArray(requestLogs.id, aIds));
    expect(aRows).toHaveLength(aIds.length);
    for (const row of aRows) {
      expect(row.teamId).toBe(a.team.id);
      // Written in full, not as the details-less fallback.
      expect(row.errorMessage ?? "").not.toMatch(/stored without its details/);
      for (const text of [row.model, row.path, JSON.stringify(row.metadata)]) {
        if (text !== null) expect(text.isWellFormed() && !text.includes("\u0000")).toBe(true);
      }
    }
    const models = aRows.map((r) => r.model);
    expect(models).toContain("gpt-4o-mini\uFFFD");
    expect(aRows.map((r) => r.metadata)).toContainEqual({ "user\uFFFD": "x\uFFFD", n: 1 });

    const payloads = await h.db.select().from(requestLogPayloads).where(inArray(requestLogPayloads.logId, aIds));
    // The body is logged as the client sent it: its escapes are plain ASCII text, storable as they are.
    expect(payloads.map((p) => p.requestBody)).toContain(surrogateBody);
    const stats = await h.server.logStats();
    expect(stats).toMatchObject({ queued: 0, dropped: 0, failed: 0 });
  });
});
