import { afterAll, describe, expect, it } from "vitest";
import type { ChatRequest } from "@/lib/formats/canonical";
import { GatewayError } from "./errors";
import { inlineImageUrls } from "./inline-images";
import { createUpstream } from "./upstream";

describe("inlineImageUrls", () => {
  const upstream = createUpstream(false);
  afterAll(() => upstream.close());
  const fetch = { upstream, signal: new AbortController().signal, timeoutMs: undefined };
  const withImage = (url: string): ChatRequest => ({
    model: "m",
    stream: false,
    messages: [{ role: "user", content: [{ type: "text", text: "see" }, { type: "image_url", image_url: { url } }] }],
  });

  it("leaves a request without image URLs as it is", async () => {
    const request = withImage("data:image/png;base64,AAAA");
    expect(await inlineImageUrls(request, fetch)).toBe(request);
  });

  it("refuses to fetch from a private address, naming the part", async () => {
    for (const url of ["http://127.0.0.1:9/cat.png", "http://[::1]/cat.png", "http://10.0.0.1/cat.png"]) {
      const refused = await inlineImageUrls(withImage(url), fetch).catch((e: unknown) => e);
      expect(refused).toBeInstanceOf(GatewayError);
      expect(refused).toMatchObject({ httpCode: 400, param: "messages[0].content[1].image_url.url" });
      expect((refused as Error).message).toContain("messages[0].content[1].image_url.url");
      expect((refused as Error).message).toContain("public addresses");
    }
  });
});
