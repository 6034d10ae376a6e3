/**
 * The conformance matrix of issue 8: ingress × provider × feature × {non-stream, stream}, one test
 * per cell, over real HTTP with the official SDKs, against the fake providers. features.ts holds the
 * data; table.ts renders docs/conformance.md from it, which the last test keeps current.
 *
 * It runs once per test database through the node entry only, not through both entries as the
 * integration suites do: the matrix is hundreds of requests, and the node and Next entries are proven
 * equivalent on every surface by tests/integration (bad-input, messages, responses, translation…), so
 * a second pass would double CI time without exercising any other translation code.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import Anthropic from "@anthropic-ai/sdk";
import { eq } from "drizzle-orm";
import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { requestLogs, type RequestLog } from "@/db/schema";
import { startFakeAnthropic, type FakeAnthropic } from "../fake-providers/anthropic";
import { startFakeCohere, type FakeCohere } from "../fake-providers/cohere";
import { FAKE_BEDROCK_KEY, startFakeBedrock, type FakeBedrock } from "../fake-providers/bedrock";
import { startFakeGemini, type FakeGemini } from "../fake-providers/gemini";
import { startFakeOpenAI, type FakeOpenAI } from "../fake-providers/openai";
import { startFakeWorkersAi, type FakeWorkersAi } from "../fake-providers/workers-ai";
import { startFakeVertex, type FakeVertex } from "../fake-providers/vertex";
import { startGatewayServer, type GatewayServer } from "../support/gateway-server";
import { describeEachDatabase } from "../support/harness";
import { addKey, seedTeam, type SeededTeam } from "../support/seed";
import { send, type Clients } from "./client";
import { FEATURES, INGRESSES, MODES, PNG_1PX, PROVIDERS, type Cell, type ProviderId, type RequestEnv } from "./features";
import { blankCells, CONFORMANCE_DOC, REGENERATE, renderConformance, withoutGeneratedLine } from "./table";

// The fake Vertex's token endpoint is on 127.0.0.1, a token_uri only a deployment allowing private upstreams may use.
vi.stubEnv("SWITCHYARD_ALLOW_PRIVATE_UPSTREAMS", "true");
afterAll(() => vi.unstubAllEnvs());

const INGRESS_FORMAT = { chat: "openai-chat", responses: "openai-responses", messages: "anthropic-messages" } as const;

describeEachDatabase("conformance matrix", (database) => {
  let openai: FakeOpenAI;
  let anthropic: FakeAnthropic;
  let gemini: FakeGemini;
  let vertex: FakeVertex;
  let cohere: FakeCohere;
  let bedrock: FakeBedrock;
  let workersAi: FakeWorkersAi;
  let server: GatewayServer;
  let team: SeededTeam;
  let clients: Clients;
  let images: Server;
  let env: RequestEnv;

  beforeAll(async () => {
    [openai, anthropic, gemini, cohere, bedrock, workersAi, vertex] = await Promise.all([
      startFakeOpenAI(),
      startFakeAnthropic(),
      startFakeGemini(),
      startFakeCohere(),
      startFakeBedrock(),
      startFakeWorkersAi(),
      startFakeVertex(),
    ]);
    images = await serveImage();
    env = { imageUrl: `http://127.0.0.1:${(images.address() as AddressInfo).port}/cat.png`, calls: [], echo: [] };
    server = await startGatewayServer("node", { database: database() });
    team = await seedTeam(database().db, { serverUrl: server.url, keyBaseUrl: openai.baseUrl });
    await addKey(team, { provider: "anthropic", baseUrl: anthropic.origin });
    await addKey(team, { provider: "google-ai-studio", baseUrl: gemini.origin });
    await addKey(team, { provider: "google-vertex-ai", baseUrl: vertex.origin, secret: JSON.stringify(vertex.serviceAccount().json) });
    await addKey(team, { provider: "cohere", baseUrl: cohere.origin });
    await addKey(team, { provider: "aws-bedrock", baseUrl: bedrock.origin, secret: JSON.stringify(FAKE_BEDROCK_KEY) });
    await addKey(team, { provider: "workers-ai", baseUrl: workersAi.baseUrl, secret: workersAi.apiToken });
    clients = {
      openai: new OpenAI({ baseURL: `${server.url}/ai/v1`, apiKey: team.token, maxRetries: 0 }),
      anthropic: new Anthropic({ baseURL: `${server.url}/ai`, apiKey: team.token, maxRetries: 0 }),
    };
  });
  afterAll(async () => {
    await server?.close();
    await Promise.all([
      openai?.close(),
      anthropic?.close(),
      gemini?.close(),
      cohere?.close(),
      bedrock?.close(),
      workersAi?.close(),
      vertex?.close(),
      new Promise((resolve) => images?.close(resolve)),
    ]);
  });

  /** What each column's fake recorded. */
  const recorded = (provider: ProviderId): { path: string; body: Record<string, unknown> | undefined }[] => {
    const fakes: Record<ProviderId, { requests: { path: string; body: Record<string, unknown> | undefined }[] }> = {
      openai,
      anthropic,
      "google-ai-studio": gemini,
      // What Vertex's models received, in their publishers' own shapes, behind the fake's Vertex paths.
      "google-vertex-ai": vertex.gemini,
      "google-vertex-ai:anthropic": vertex.anthropic,
      cohere,
      "aws-bedrock": bedrock,
      "workers-ai": workersAi,
    };
    const fake = fakes[provider];
    if (!fake) throw new Error(`no fake provider serves the ${provider} column`);
    return fake.requests;
  };

  for (const ingress of INGRESSES) {
    describe(ingress.label, () => {
      for (const feature of FEATURES) {
        for (const provider of PROVIDERS) {
          for (const mode of MODES) {
            const refusal = feature.refusal?.(ingress.id, provider.id);
            const title = `${feature.title} → ${provider.label}, ${mode}${refusal ? ` (400: ${refusal.reason})` : ""}`;
            it(title, async () => {
              const model = `${provider.slug}/${feature.model?.(provider) ?? provider.model}`;
              let cellEnv = env;
              if (feature.firstTurn) {
                const first = await send(clients, ingress.id, mode, feature.firstTurn[ingress.id](model));
                expect(first.error).toBeUndefined();
                expect(first.toolCalls.length).toBeGreaterThan(0);
                cellEnv = { ...env, calls: first.toolCalls, echo: first.echo };
              }
              const before = recorded(provider.id).length;
              const outcome = await send(clients, ingress.id, mode, feature.request[ingress.id](model, cellEnv));
              const upstream = recorded(provider.id).slice(before);
              if (refusal) {
                expect(outcome.error?.status, JSON.stringify(outcome)).toBe(400);
                expect(outcome.error?.message).toContain(refusal.field);
                expect(outcome.error?.message).toContain(refusal.reason);
                if (ingress.id === "messages") expect(outcome.error?.body).toMatchObject({ type: "error", error: { type: "invalid_request_error" } });
                else expect(outcome.error?.param).toBe(refusal.field);
                expect(upstream).toHaveLength(refusal.by === "provider" ? 1 : 0);
                return;
              }
              const passthrough = provider.native.includes(ingress.id);
              const calls = feature.reachesProvider?.(passthrough) ?? true ? 1 : 0;
              expect(upstream, `${provider.label} received ${upstream.length} requests; the client got ${JSON.stringify(outcome)}`).toHaveLength(calls);
              const cell: Cell = {
                ingress: ingress.id,
                provider,
                mode,
                outcome,
                upstream: { path: upstream[0]?.path ?? "", body: upstream[0]?.body ?? {} },
                passthrough,
                env: cellEnv,
              };
              if (calls === 1) expectStreamed(cell);
              // Every answer carries usage, streamed ones too; features check the exact numbers where they are the point.
              if (!outcome.error) expect(outcome.usage).toEqual({ input: expect.any(Number), output: expect.any(Number), cached: expect.any(Number) });
              if (!outcome.error) expect(Math.min(outcome.usage!.input, outcome.usage!.output)).toBeGreaterThan(0);
              feature.check(cell);
              if (calls === 1) await expectLogRow(cell);
            });
          }
        }
      }
    });
  }

  /** The request's log row: its ingress, provider, model, stream flag, status and the usage the client saw. */
  async function expectLogRow({ ingress, provider, mode, outcome }: Cell) {
    expect(outcome.logId, "the answer carried no cf-aig-log-id").toEqual(expect.any(String));
    let row: RequestLog | undefined;
    // The row is enqueued when the response has ended, which can be just after the client's last byte.
    for (let attempt = 0; attempt < 500 && !row; attempt++) {
      await server.flushLogs();
      [row] = await database().db.select().from(requestLogs).where(eq(requestLogs.id, outcome.logId!));
      if (!row) await new Promise((resolve) => setTimeout(resolve, 10));
    }
    expect(row).toMatchObject({ ingressFormat: INGRESS_FORMAT[ingress], provider: provider.slug, stream: mode === "stream", statusCode: outcome.error?.status ?? 200 });
    if (outcome.usage) expect(row).toMatchObject({ tokensIn: outcome.usage.input, tokensOut: outcome.usage.output, tokensCached: outcome.usage.cached });
  }
});

/** The provider was asked to stream exactly when the client was. */
function expectStreamed({ provider, mode, upstream }: Cell) {
  const streamed =
    provider.wire === "gemini"
      ? upstream.path.endsWith(":streamGenerateContent")
      : provider.wire === "bedrock-converse"
        ? upstream.path.endsWith("/converse-stream")
        : upstream.body.stream === true;
  expect(streamed, `${upstream.path} ${JSON.stringify(upstream.body)}`).toBe(mode === "stream");
}

/** The image behind the image-URL feature's http URL, which the gateway fetches for Gemini. */
async function serveImage(): Promise<Server> {
  const png = Buffer.from(PNG_1PX, "base64");
  const server = createServer((_req, res) => res.writeHead(200, { "content-type": "image/png", "content-length": png.length }).end(png));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return server;
}

describe("docs/conformance.md", () => {
  it(`is what the matrix declares, with no blank cell (regenerate: ${REGENERATE})`, () => {
    const rendered = renderConformance();
    expect(blankCells(rendered)).toEqual([]);
    if (process.env.UPDATE_CONFORMANCE === "1") writeFileSync(CONFORMANCE_DOC, rendered);
    let committed = "";
    try {
      committed = readFileSync(CONFORMANCE_DOC, "utf8");
    } catch {
      // compared below as empty: missing
    }
    expect(withoutGeneratedLine(committed), `${CONFORMANCE_DOC} is out of date: run \`${REGENERATE}\``).toBe(withoutGeneratedLine(rendered));
    expect(blankCells(committed)).toEqual([]);
  });
});
