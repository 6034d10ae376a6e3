import type { WireFormat } from "@/lib/formats/codec";
import { isWireFormat } from "@/lib/formats/index";

const WIRE_FORMAT_NAMES: Readonly<Record<WireFormat, string>> = {
  "openai-chat": "OpenAI Chat Completions",
  "openai-responses": "OpenAI Responses",
  "anthropic-messages": "Anthropic Messages",
  gemini: "Gemini API",
  "cohere-chat": "Cohere Chat (v2)",
  "bedrock-converse": "Amazon Bedrock Converse",
  "workers-ai": "Workers AI",
};

/** A stored wire format as people call it; a name this build does not know is shown as stored. */
export function wireFormatName(format: string): string {
  return isWireFormat(format) ? WIRE_FORMAT_NAMES[format] : format;
}
