import type { GatewayBaseUrls } from "@/lib/services/teams/base-urls";

export interface Quickstart {
  id: string;
  label: string;
  code: string;
}

/** A provider's own API through the gateway, and its models through compat where it has any. */
export interface ProviderQuickstart {
  provider: string;
  name: string;
  examples: Quickstart[];
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
  // A sy_ token in x-api-key or Authorization (where this SDK puts it) is read as the gateway token.
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
    {
      id: "workers-ai-run",
      label: "Workers AI (/ai/run)",
      code: `# Answers in Workers AI's shape ({result, success, errors, messages}) for @cf/… models, sent to
# Workers AI as they are, and for {provider}/{model} chat models, translated.
curl ${aiRoot(urls)}/run \\
  -H "cf-aig-authorization: Bearer $SWITCHYARD_TOKEN" \\
  -H "cf-aig-gateway-id: ${gatewaySlug}" \\
  -H "content-type: application/json" \\
  -d '${JSON.stringify({ model, input: { messages: [{ role: "user", content: "Hello!" }] } })}'`,
    },
  ];
}

const BEDROCK_MODEL = "us.anthropic.claude-sonnet-4-5-20250929-v1:0";
const VERTEX_MODEL = "gemini-2.5-flash";
const WORKERS_AI_MODEL = "@cf/meta/llama-3.1-8b-instruct";
const HELLO_CHAT = `messages: [{ role: "user", content: "Hello!" }],`;

/** The OpenAI SDK on compat with one provider's model: the same client for every provider. */
function compatExample(urls: GatewayBaseUrls, model: string, note: string): Quickstart {
  return {
    id: `${model.slice(0, model.indexOf("/"))}-compat`,
    label: "OpenAI SDK (compat)",
    code: `import OpenAI from "openai";

// ${note}
const client = new OpenAI({
  baseURL: "${urls.compat}",
  apiKey: process.env.SWITCHYARD_TOKEN,
});

const reply = await client.chat.completions.create({
  model: "${model}",
  ${HELLO_CHAT}
});
console.log(reply.choices[0].message.content);`,
  };
}

/**
 * Examples for the providers whose own APIs need more than a base URL: Bedrock's region in the
 * path, Vertex's project and region, Azure's resource and deployment, Workers AI's `/ai/run`, and
 * one of the passthrough-only providers. With a stored key each carries only the gateway token.
 */
export function providerQuickstarts({ urls, gatewaySlug }: { urls: GatewayBaseUrls; gatewaySlug: string }): ProviderQuickstart[] {
  const base = (provider: string) => urls.passthrough.replace("{provider}", provider);
  return [
    {
      provider: "aws-bedrock",
      name: "Amazon Bedrock",
      examples: [
        // The AWS SDK has its tab among the quickstarts above.
        compatExample(urls, `aws-bedrock/${BEDROCK_MODEL}`, "Translated to Bedrock's Converse API, signed with the team's stored AWS key."),
      ],
    },
    {
      provider: "google-vertex-ai",
      name: "Vertex AI",
      examples: [
        {
          id: "google-vertex-ai-curl",
          label: "curl (generateContent)",
          code: `# The gateway mints an access token from the team's stored service account; put your project
# and the key's region in the path.
curl "${base("google-vertex-ai")}/v1/projects/$GOOGLE_CLOUD_PROJECT/locations/us-central1/publishers/google/models/${VERTEX_MODEL}:generateContent" \\
  -H "cf-aig-authorization: Bearer $SWITCHYARD_TOKEN" \\
  -H "content-type: application/json" \\
  -d '{"contents":[{"role":"user","parts":[{"text":"Hello!"}]}]}'`,
        },
        compatExample(
          urls,
          `google-vertex-ai/google/${VERTEX_MODEL}`,
          'Vertex models are "{publisher}/{model}": google/gemini-…, anthropic/claude-….',
        ),
      ],
    },
    {
      provider: "azure-openai",
      name: "Azure OpenAI",
      examples: [
        {
          id: "azure-openai-sdk",
          label: "OpenAI SDK (passthrough)",
          code: `import OpenAI from "openai";

// The gateway's Azure path names the resource and the deployment, like Cloudflare's; the stored
// key goes in api-key. (AzureOpenAI would insert /deployments/… into this path.) With a stored
// key that names its resource, compat takes model: "azure-openai/{deployment}" too.
const client = new OpenAI({
  baseURL: "${base("azure-openai")}/YOUR_RESOURCE/YOUR_DEPLOYMENT",
  apiKey: process.env.SWITCHYARD_TOKEN,
  defaultQuery: { "api-version": "2024-10-21" },
});

const reply = await client.chat.completions.create({
  model: "YOUR_DEPLOYMENT",
  ${HELLO_CHAT}
});
console.log(reply.choices[0].message.content);`,
        },
      ],
    },
    {
      provider: "cohere",
      name: "Cohere",
      examples: [
        // Cohere's own SDK has its tab among the quickstarts above.
        compatExample(urls, "cohere/command-a-03-2025", "Translated to Cohere's v2 Chat API."),
      ],
    },
    {
      provider: "workers-ai",
      name: "Workers AI",
      examples: [
        // /ai/run has its tab among the quickstarts above.
        {
          id: "workers-ai-openai",
          label: "OpenAI SDK (@cf models)",
          code: `import OpenAI from "openai";

// @cf/… models need no provider prefix on /ai/v1.
const client = new OpenAI({
  baseURL: "${urls.universal}",
  apiKey: process.env.SWITCHYARD_TOKEN,
  defaultHeaders: { "cf-aig-gateway-id": "${gatewaySlug}" },
});

const reply = await client.chat.completions.create({
  model: "${WORKERS_AI_MODEL}",
  ${HELLO_CHAT}
});
console.log(reply.choices[0].message.content);`,
        },
      ],
    },
    {
      provider: "elevenlabs",
      name: "ElevenLabs and other APIs",
      examples: [
        {
          id: "elevenlabs-tts",
          label: "curl (text to speech)",
          code: `# Hugging Face, Replicate, fal, Ideogram, Cartesia, Deepgram, ElevenLabs, Baseten and Parallel
# pass through as they are, binary bodies included: the gateway adds the stored key in the
# provider's own header (xi-api-key here) and logs status, timing and sizes.
curl ${base("elevenlabs")}/v1/text-to-speech/JBFqnCBsd6RMkjVDRZzb \\
  -H "cf-aig-authorization: Bearer $SWITCHYARD_TOKEN" \\
  -H "content-type: application/json" \\
  -d '{"text":"Hello!","model_id":"eleven_multilingual_v2"}' \\
  --output hello.mp3`,
        },
      ],
    },
  ];
}

/** `…/ai`: the Anthropic SDK appends `/v1/messages` itself. */
function aiRoot(urls: GatewayBaseUrls): string {
  return urls.universal.replace(/\/v1$/, "");
}
