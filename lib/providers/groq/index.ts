import { openAiCompatible } from "../types";

export const groq = openAiCompatible({
  slug: "groq",
  name: "Groq",
  baseUrl: "https://api.groq.com/openai/v1",
});
