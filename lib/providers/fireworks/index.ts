import { openAiCompatible } from "../types";

export const fireworks = openAiCompatible({
  slug: "fireworks",
  name: "Fireworks AI",
  baseUrl: "https://api.fireworks.ai/inference/v1",
});
