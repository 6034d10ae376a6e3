import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { gatewayBaseUrls } from "@/lib/services/teams/base-urls";
import { providerQuickstarts, quickstarts, type Quickstart } from "./quickstarts";

const run = promisify(execFile);
const TOKEN = "sy_quickstart_test_token";

interface Recorded {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

// Each example is run as a user would (node for JavaScript, sh for curl) against a server that
// records the first request it gets: the URL and headers the gateway would see.
let server: Server;
let publicUrl = "";
let recorded: Recorded[] = [];
const workDir = mkdtempSync(path.join(tmpdir(), "switchyard-quickstarts-"));

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = "";
    req.on("data", (chunk: Buffer) => (body += chunk.toString()));
    req.on("end", () => {
      recorded.push({ method: req.method ?? "", url: req.url ?? "", headers: req.headers, body });
      res.writeHead(200, { "content-type": "application/json" }).end("{}");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  publicUrl = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  rmSync(workDir, { recursive: true, force: true });
});

function examples(): Quickstart[] {
  const urls = gatewayBaseUrls(publicUrl, "acme", "main");
  return [
    ...quickstarts({ urls, gatewaySlug: "main", model: "openai/gpt-4o-mini" }),
    ...providerQuickstarts({ urls, gatewaySlug: "main" }).flatMap((provider) => provider.examples),
  ];
}

/** Runs one example and returns the first request it sent. Its own exit is not the point: the recorder answers `{}`. */
async function firstRequest(example: Quickstart): Promise<Recorded> {
  recorded = [];
  const env = { ...process.env, SWITCHYARD_TOKEN: TOKEN, GOOGLE_CLOUD_PROJECT: "acme-project", AWS_EC2_METADATA_DISABLED: "true" };
  const [command, args, cwd] = example.code.startsWith("import ")
    ? [process.execPath, ["--input-type=module", "-e", example.code], process.cwd()]
    : ["sh", ["-c", example.code], workDir];
  await run(command, args, { env, cwd, timeout: 60_000 }).catch(() => undefined);
  expect(recorded.length, `${example.id} sent nothing`).toBeGreaterThan(0);
  return recorded[0]!;
}

const compat = "/v1/acme/main/compat/chat/completions";
const bearer = { authorization: `Bearer ${TOKEN}` };
const cfToken = { "cf-aig-authorization": `Bearer ${TOKEN}` };
const gatewayId = { "cf-aig-gateway-id": "main" };

/** Where each example must land and with which headers; a model it must name, when it names one in the body. */
const expected: Record<string, { path: string; headers: Record<string, string>; model?: string }> = {
  curl: { path: compat, headers: cfToken, model: "openai/gpt-4o-mini" },
  openai: { path: compat, headers: bearer, model: "openai/gpt-4o-mini" },
  "ai-sdk": { path: compat, headers: bearer, model: "openai/gpt-4o-mini" },
  "openai-responses": { path: "/ai/v1/responses", headers: { ...bearer, ...gatewayId }, model: "openai/gpt-4o-mini" },
  // The Anthropic SDK sends its apiKey as a bearer token since 1.x; x-api-key is read too.
  anthropic: { path: "/ai/v1/messages", headers: { ...bearer, ...gatewayId }, model: "openai/gpt-4o-mini" },
  "google-genai": {
    path: "/v1/acme/main/google-ai-studio/v1/models/gemini-2.5-flash:generateContent",
    headers: { "x-goog-api-key": TOKEN },
  },
  rest: { path: "/ai/v1/chat/completions", headers: { ...cfToken, ...gatewayId }, model: "openai/gpt-4o-mini" },
  "aws-sdk": {
    path: "/v1/acme/main/aws-bedrock/bedrock-runtime/us-east-1/model/anthropic.claude-sonnet-4-5-20250929-v1%3A0/converse",
    headers: cfToken,
  },
  "aws-bedrock-compat": { path: compat, headers: bearer, model: "aws-bedrock/us.anthropic.claude-sonnet-4-5-20250929-v1:0" },
  "google-vertex-ai-curl": {
    path: "/v1/acme/main/google-vertex-ai/v1/projects/acme-project/locations/us-central1/publishers/google/models/gemini-2.5-flash:generateContent",
    headers: cfToken,
  },
  "google-vertex-ai-compat": { path: compat, headers: bearer, model: "google-vertex-ai/google/gemini-2.5-flash" },
  "azure-openai-sdk": {
    path: "/v1/acme/main/azure-openai/YOUR_RESOURCE/YOUR_DEPLOYMENT/chat/completions?api-version=2024-10-21",
    headers: bearer,
  },
  cohere: { path: "/v1/acme/main/cohere/v2/chat", headers: bearer, model: "command-a-03-2025" },
  "cohere-compat": { path: compat, headers: bearer, model: "cohere/command-a-03-2025" },
  "workers-ai-run": { path: "/ai/run", headers: { ...cfToken, ...gatewayId }, model: "openai/gpt-4o-mini" },
  "workers-ai-openai": { path: "/ai/v1/chat/completions", headers: { ...bearer, ...gatewayId }, model: "@cf/meta/llama-3.1-8b-instruct" },
  "elevenlabs-tts": { path: "/v1/acme/main/elevenlabs/v1/text-to-speech/JBFqnCBsd6RMkjVDRZzb", headers: cfToken },
};

describe("the quickstarts", () => {
  it("cover the provider catalog, with one id per example", () => {
    const urls = gatewayBaseUrls("https://ai.example.com", "acme", "main");
    expect(providerQuickstarts({ urls, gatewaySlug: "main" }).map((p) => p.provider)).toEqual([
      "aws-bedrock",
      "google-vertex-ai",
      "azure-openai",
      "cohere",
      "workers-ai",
      "elevenlabs",
    ]);
    const ids = examples().map((example) => example.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const example of examples()) expect(example.code).not.toContain("/main/{provider}");
  });

  // Python's client is not installed here; the JavaScript and curl examples are run.
  const runnable = () => examples().filter((example) => example.id !== "openai-python");

  it("list an expectation for every example that is run", () => {
    expect(runnable().map((example) => example.id).sort()).toEqual(Object.keys(expected).sort());
  });

  it.each(Object.keys(expected))("%s sends its request where the gateway serves it, with the token where it is read", { timeout: 90_000 }, async (id) => {
    const example = runnable().find((candidate) => candidate.id === id)!;
    const request = await firstRequest(example);
    const want = expected[id]!;
    expect(request.method).toBe("POST");
    expect(request.url).toBe(want.path);
    expect(request.headers).toMatchObject(want.headers);
    if (want.model) expect(JSON.parse(request.body)).toMatchObject({ model: want.model });
  });
});
