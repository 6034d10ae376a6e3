// A stand-in for a local OpenAI-compatible model server (Ollama, llama.cpp, vLLM), for trying the
// README's walkthrough without one: it answers every model with a fixed text, streamed word by word.
import { startFakeOpenAI } from "@/tests/fake-providers/openai";

const fake = await startFakeOpenAI();
console.log(`Fake OpenAI-compatible server at ${fake.baseUrl} (Ctrl+C stops it)`);
const stop = () => fake.close().then(() => process.exit(0));
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
