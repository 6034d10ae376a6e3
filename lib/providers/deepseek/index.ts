import { openAiCompatible } from "../types";

export const deepseek = openAiCompatible({
  slug: "deepseek",
  name: "DeepSeek",
  baseUrl: "https://api.deepseek.com",
});
