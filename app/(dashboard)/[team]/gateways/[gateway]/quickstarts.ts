import type { GatewayBaseUrls } from "@/lib/services/teams/base-urls";

export interface Quickstart {
  id: string;
  label: string;
  code: string;
}

/**
 * Copy-paste examples for one gateway. The token stays an environment variable: its secret is
 * shown once at creation and never stored, so the page cannot fill it in.
 */
export function quickstarts({ urls, gatewaySlug, model }: { urls: GatewayBaseUrls; gatewaySlug: string; model: string }): Quickstart[] {
  const body = JSON.stringify({ model, messages: [{ role: "user", content: "Hello!" }] });
  return [
    {
      id: "curl",
      label: "curl",
      code: `curl ${urls.compat}/chat/completions \\
  -H "cf-aig-authorization: Bearer $SWITCHYARD_TOKEN" \\
  -H "content-type: application/json" \\
  -d '${body}'`,
    },
    {
      id: "openai",
      label: "OpenAI SDK",
      code: `import OpenAI from "openai";

const client = new OpenAI({
  baseURL: "${urls.compat}",
  // A sy_ token in Authorization is read as the gateway token.
  apiKey: process.env.SWITCHYARD_TOKEN,
});

const reply = await client.chat.completions.create({
  model: "${model}",
  messages: [{ role: "user", content: "Hello!" }],
});
console.log(reply.choices[0].message.content);`,
    },
    {
      id: "openai-python",
      label: "OpenAI SDK (Python)",
      code: `import os
from openai import OpenAI

client = OpenAI(
    base_url="${urls.compat}",
    api_key=os.environ["SWITCHYARD_TOKEN"],
)

reply = client.chat.completions.create(
    model="${model}",
    messages=[{"role": "user", "content": "Hello!"}],
)
print(reply.choices[0].message.content)`,
    },
    {
      id: "ai-sdk",
      label: "AI SDK",
      code: `import { createOpenAICompatible } from "@ai-sdk/openai-compatible";
import { streamText } from "ai";

const switchyard = createOpenAICompatible({
  name: "switchyard",
  baseURL: "${urls.compat}",
  apiKey: process.env.SWITCHYARD_TOKEN,
  includeUsage: true,
});

const result = streamText({ model: switchyard("${model}"), prompt: "Hello!" });
for await (const text of result.textStream) process.stdout.write(text);`,
    },
    {
      id: "openai-responses",
      label: "OpenAI Responses API",
      code: `import OpenAI from "openai";

// /ai/v1 speaks the Responses API too, for every provider: the model is "{provider}/{model}".
const client = new OpenAI({
  baseURL: "${urls.universal}",
  apiKey: process.env.SWITCHYARD_TOKEN,
  defaultHeaders: { "cf-aig-gateway-id": "${gatewaySlug}" },
});

const response = await client.responses.create({
  model: "${model}",
  input: "Hello!",
});
console.log(response.output_text);`,
    },
    {
      id: "anthropic",
      label: "Anthropic SDK",
      code: `import Anthropic from "@anthropic-ai/sdk";

// The SDK adds /v1/messages; every provider answers there in Anthropic's format.
// For Anthropic's own API unchanged, use baseURL "${urls.passthrough.replace("{provider}", "anthropic")}".
const client = new Anthropic({
  baseURL: "${aiRoot(urls)}",
  // A sy_ token in x-api-key is read as the gateway token.
  apiKey: process.env.SWITCHYARD_TOKEN,
  defaultHeaders: { "cf-aig-gateway-id": "${gatewaySlug}" },
});

const message = await client.messages.create({
  model: "${model}",
  max_tokens: 1024,
  messages: [{ role: "user", content: "Hello!" }],
});
console.log(message.content);`,
    },
    {
      id: "google-genai",
      label: "Google GenAI SDK",
      code: `import { GoogleGenAI } from "@google/genai";

// Google AI Studio's own API through the gateway, with the team's stored key.
const ai = new GoogleGenAI({
  // A sy_ token in x-goog-api-key is read as the gateway token.
  apiKey: process.env.SWITCHYARD_TOKEN,
  httpOptions: { baseUrl: "${urls.passthrough.replace("{provider}", "google-ai-studio")}" },
});

const reply = await ai.models.generateContent({ model: "gemini-2.5-flash", contents: "Hello!" });
console.log(reply.text);`,
    },
    {
      id: "cohere",
      label: "Cohere SDK",
      code: `import { CohereClientV2 } from "cohere-ai";

// Cohere's own v2 API through the gateway, with the team's stored key.
const co = new CohereClientV2({
  // A sy_ token in Authorization is read as the gateway token.
  token: process.env.SWITCHYARD_TOKEN,
  environment: "${urls.passthrough.replace("{provider}", "cohere")}",
});

const reply = await co.chat({ model: "command-a-03-2025", messages: [{ role: "user", content: "Hello!" }] });
console.log(reply.message.content);`,
    },
    {
      id: "aws-sdk",
      label: "AWS SDK (Bedrock)",
      code: `import { BedrockRuntimeClient, ConverseCommand } from "@aws-sdk/client-bedrock-runtime";
import { NodeHttpHandler } from "@smithy/node-http-handler";

// Bedrock's own API through the gateway, signed with the team's stored aws-bedrock key.
const client = new BedrockRuntimeClient({
  region: "us-east-1",
  endpoint: "${urls.passthrough.replace("{provider}", "aws-bedrock")}/bedrock-runtime/us-east-1",
  // The SDK signs every request; the gateway replaces that signature with the stored key's.
  credentials: { accessKeyId: "unused", secretAccessKey: "unused" },
  requestHandler: new NodeHttpHandler(),
});
client.middlewareStack.addRelativeTo(
  (next) => async (args) => {
    delete args.request.headers.authorization;
    args.request.headers["cf-aig-authorization"] = \`Bearer \${process.env.SWITCHYARD_TOKEN}\`;
    return next(args);
  },
  { relation: "after", toMiddleware: "httpSigningMiddleware", name: "gatewayToken" },
);

const reply = await client.send(new ConverseCommand({
  modelId: "anthropic.claude-sonnet-4-5-20250929-v1:0",
  messages: [{ role: "user", content: [{ text: "Hello!" }] }],
}));
console.log(reply.output?.message?.content?.[0]?.text);`,
    },
    {
      id: "rest",
      label: "REST (/ai/v1)",
      code: `# The team comes from the token; cf-aig-gateway-id picks the gateway.
curl ${urls.universal}/chat/completions \\
  -H "cf-aig-authorization: Bearer $SWITCHYARD_TOKEN" \\
  -H "cf-aig-gateway-id: ${gatewaySlug}" \\
  -H "content-type: application/json" \\
  -d '${body}'`,
    },
  ];
}

/** `…/ai`: the Anthropic SDK appends `/v1/messages` itself. */
function aiRoot(urls: GatewayBaseUrls): string {
  return urls.universal.replace(/\/v1$/, "");
}
