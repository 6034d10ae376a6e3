// A stand-in for Google AI Studio (https://generativelanguage.googleapis.com), for trying the
// google-ai-studio provider without a Google key: generateContent, streams, embeddings, countTokens.
import { startFakeGemini } from "@/tests/fake-providers/gemini";

const fake = await startFakeGemini();
console.log(`Fake Google AI Studio server at ${fake.origin} (Ctrl+C stops it)`);
const stop = () => fake.close().then(() => process.exit(0));
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
