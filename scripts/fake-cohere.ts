// A stand-in for Cohere (https://api.cohere.com), for trying the cohere provider without a Cohere
// key: v2 chat (JSON and streams, tools, thinking, citations) and v2 embed.
import { startFakeCohere } from "@/tests/fake-providers/cohere";

const fake = await startFakeCohere();
console.log(`Fake Cohere server at ${fake.origin} (Ctrl+C stops it)`);
const stop = () => fake.close().then(() => process.exit(0));
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
