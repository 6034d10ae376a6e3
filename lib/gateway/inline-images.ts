import type { ChatMessage, ChatRequest, UserContentPart } from "@/lib/formats/canonical";
import { GatewayError, InternalCode } from "./errors";
import type { Upstream } from "./upstream";

/** The most bytes one image may have to be sent inline; Gemini takes about 20 MB per request in all. */
export const MAX_INLINE_IMAGE_BYTES = 8 * 1024 * 1024;

export interface ImageFetch {
  upstream: Upstream;
  /** The client's: a client that leaves cancels the fetch. */
  signal: AbortSignal;
  timeoutMs: number | undefined;
}

/**
 * The request with every http(s) image URL of its user messages replaced by a data URL of the
 * image's bytes, for a provider that cannot fetch URLs itself (Gemini reads only its own file
 * store's). Fetched through the upstream pool, so the private-address guard applies as to any
 * provider call; a URL that cannot be fetched, is not an image or is too large is a 400 naming
 * the part. Done here, never in a codec: codecs do no I/O.
 */
export async function inlineImageUrls(request: ChatRequest, fetch: ImageFetch): Promise<ChatRequest> {
  if (!request.messages.some(hasImageUrl)) return request;
  const messages = await Promise.all(
    request.messages.map(async (message, m): Promise<ChatMessage> => {
      if (message.role !== "user" || typeof message.content === "string") return message;
      const content = await Promise.all(message.content.map((part, p) => inlinePart(part, `messages[${m}].content[${p}].image_url.url`, fetch)));
      return { ...message, content };
    }),
  );
  return { ...request, messages };
}

function isHttpUrl(url: string): boolean {
  return /^https?:\/\//i.test(url);
}

function hasImageUrl(message: ChatMessage): boolean {
  return message.role === "user" && Array.isArray(message.content) && message.content.some((part) => part.type === "image_url" && isHttpUrl(part.image_url.url));
}

async function inlinePart(part: UserContentPart, field: string, fetch: ImageFetch): Promise<UserContentPart> {
  if (part.type !== "image_url" || !isHttpUrl(part.image_url.url)) return part;
  const { mimeType, bytes } = await fetchImage(part.image_url.url, field, fetch);
  return { ...part, image_url: { ...part.image_url, url: `data:${mimeType};base64,${bytes.toString("base64")}` } };
}

async function fetchImage(url: string, field: string, { upstream, signal, timeoutMs }: ImageFetch): Promise<{ mimeType: string; bytes: Buffer }> {
  const refuse = (why: string) =>
    new GatewayError(400, InternalCode.invalidRequest, `${field}: the gateway could not fetch the image to send it inline (${why}); send it as a data: URL`, "image_fetch_failed", field);
  const parsed = new URL(url);
  let answer;
  try {
    answer = await upstream.call({
      baseUrl: parsed.origin,
      path: `${parsed.pathname.slice(1)}${parsed.search}`,
      method: "GET",
      headers: { accept: "image/*" },
      body: undefined,
      signal,
      headersTimeout: timeoutMs,
    });
  } catch (error) {
    throw error instanceof GatewayError && error.httpCode !== 499 ? refuse(error.message) : error;
  }
  const mimeType = String(answer.headers["content-type"] ?? "").split(";")[0]!.trim().toLowerCase();
  if (answer.statusCode !== 200 || !mimeType.startsWith("image/")) {
    answer.body.dump().catch(() => {});
    throw refuse(answer.statusCode !== 200 ? `it answered ${answer.statusCode}` : `it is ${mimeType || "of no content type"}, not an image`);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of answer.body as AsyncIterable<Buffer>) {
      size += chunk.byteLength;
      if (size > MAX_INLINE_IMAGE_BYTES) {
        answer.body.destroy();
        throw refuse(`it is larger than ${MAX_INLINE_IMAGE_BYTES} bytes`);
      }
      chunks.push(chunk);
    }
  } catch (error) {
    if (error instanceof GatewayError) throw error;
    throw refuse("its body broke off");
  }
  return { mimeType, bytes: Buffer.concat(chunks, size) };
}
