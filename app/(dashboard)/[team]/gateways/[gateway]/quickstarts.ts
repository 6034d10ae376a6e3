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
