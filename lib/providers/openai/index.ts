import { openAiCompatible } from "../types";

export const openai = openAiCompatible({
  slug: "openai",
  name: "OpenAI",
  baseUrl: "https://api.openai.com/v1",
  otherFormats: { "openai-responses": "responses" },
});
