// A second Switchyard for tests/e2e/analytics.spec.ts, on a data directory seeded before it starts
// with a week of mixed traffic (log rows written as the log writer writes them, rollups included):
// the main e2e server's embedded database is held by its process, so no spec can seed it. Started
// with PORT and SWITCHYARD_PUBLIC_URL; prints one `seeded: {json}` line, then serves.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { openDatabase } from "@/db/client";
import { writeLogBatch } from "@/lib/logs/writer";
import type { LogEvent } from "@/lib/logs/types";
import { createGateway } from "@/lib/services/gateways/create";
import { completeFirstRun } from "@/lib/services/setup/first-run";
import { createGatewayToken } from "@/lib/services/tokens/create";
import { uuidv7 } from "@/lib/ids";
import { ANALYST } from "./analyst";
import { prepareServer, startServer } from "./serve";

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const MODELS = ["gpt-4o-mini", "gpt-4o", "o3-mini"];

async function seed(dbDir: string, now: number) {
  const handle = await openDatabase({ driver: "pglite", dataDir: dbDir });
  try {
    await handle.migrate();
    const ctx = { db: handle.db, actor: { type: "operator" as const } };
    const { team } = await completeFirstRun({ ctx, name: "Ana Lyst", email: ANALYST.email, password: ANALYST.password, teamName: "Analytics E2E", teamSlug: ANALYST.team });
    const gateways = [await createGateway({ ctx, teamId: team.id, slug: "chat" }), await createGateway({ ctx, teamId: team.id, slug: "batch" })];
    const tokens = [
      (await createGatewayToken({ ctx, teamId: team.id, name: "web app" })).record,
      (await createGatewayToken({ ctx, teamId: team.id, name: "nightly job" })).record,
    ];
    const events: LogEvent[] = [];
    // A row every 2 minutes over the last day, every 20 minutes over the six days before.
    for (let at = now - 7 * 24 * HOUR, i = 0; at < now - MINUTE; at += at < now - 24 * HOUR ? 20 * MINUTE : 2 * MINUTE, i++) {
      const model = MODELS[i % 3]!;
      const failed = i % 13 === 0 ? 502 : i % 17 === 0 ? 429 : null;
      const cached = !failed && i % 5 === 0;
      const tokensIn = failed ? 0 : 200 + (i % 7) * 50;
      const tokensOut = failed ? 0 : 40 + (i % 11) * 10;
      events.push({
        log: {
          id: uuidv7(),
          teamId: team.id,
          gatewayId: gateways[i % 2]!.id,
          tokenId: tokens[Math.floor(i / 2) % 2]!.id,
          eventId: `seed-${i}`,
          provider: "openai",
          model,
          ingressFormat: i % 4 === 0 ? "anthropic-messages" : "openai-chat",
          path: "/compat/chat/completions",
          method: "POST",
          statusCode: failed ?? 200,
          success: !failed,
          errorCode: failed === 429 ? 2003 : null,
          tokensIn,
          tokensOut,
          tokensCached: cached ? tokensIn : 0,
          costMicros: cached || failed ? 0 : tokensIn * (model === "gpt-4o" ? 3 : 1) + tokensOut * 4,
          cached,
          durationMs: cached ? 5 : 300 + (i % 20) * 60,
          ttfbMs: cached ? 3 : 120 + (i % 10) * 15,
          createdAt: new Date(at),
        },
      });
    }
    // Refused before a gateway was known: an unknown gateway, a bad token.
    for (const minutesAgo of [30, 90, 300]) {
      events.push({
        log: {
          id: uuidv7(),
          teamId: team.id,
          eventId: `refused-${minutesAgo}`,
          path: "/v1/analytics-e2e/nosuch/compat/chat/completions",
          method: "POST",
          statusCode: 404,
          success: false,
          errorCode: 2001,
          durationMs: 1,
          createdAt: new Date(now - minutesAgo * MINUTE),
        },
      });
    }
    for (let start = 0; start < events.length; start += 1000) await writeLogBatch(handle.db, events.slice(start, start + 1000));
    return { rows: events.length };
  } finally {
    await handle.close();
  }
}

// The main e2e server compiled dist/ already, and runs from it.
const env = await prepareServer({ compile: false });
const dataDir = mkdtempSync(path.join(tmpdir(), "switchyard-e2e-analytics-"));
process.on("exit", () => rmSync(dataDir, { recursive: true, force: true }));
const seeded = await seed(path.join(dataDir, "db"), Date.now());
const server = startServer(env, dataDir);
console.log(`seeded: ${JSON.stringify(seeded)}`);
for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => server.kill(signal));
server.on("exit", (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
