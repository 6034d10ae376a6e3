// A stand-in for Anthropic's API (https://api.anthropic.com), for trying the Anthropic provider
// without an Anthropic key: Messages and count_tokens, streamed with Anthropic's named events.
import { startFakeAnthropic } from "@/tests/fake-providers/anthropic";

const fake = await startFakeAnthropic();
console.log(`Fake Anthropic server at ${fake.origin} (Ctrl+C stops it)`);
const stop = () => fake.close().then(() => process.exit(0));
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
