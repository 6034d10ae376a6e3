/**
 * One fake for the passthrough long tail (Hugging Face, Replicate, fal, Ideogram, Cartesia,
 * Deepgram, ElevenLabs, Baseten, Parallel) over real HTTP. Each provider lives under
 * `/{slug}/…` (a stored key's base URL is `{origin}/{slug}`), where its own auth scheme is
 * required, as the provider documents it; without it, a 401.
 *
 * - A request with a body is echoed byte for byte, with its content type: an audio upload comes
 *   back as it went, so a test sees both directions untouched.
 * - `GET …?kind=audio` answers `FAKE_AUDIO` (audio/mpeg), `GET …?kind=image` `FAKE_PNG` (image/png):
 *   what a text-to-speech or image endpoint sends back.
 */
import type { ServerResponse } from "node:http";
import { sendJson, startFakeServer, type FakeServer, type RecordedRequest } from "./http";

export interface FakeLongTailRequest extends RecordedRequest {
  /** The provider the path's first segment names. */
  slug: string;
  /** The key the slug's auth scheme carried; undefined when the scheme was not followed. */
  key: string | undefined;
}

export type FakeLongTail = FakeServer<FakeLongTailRequest>;

type AuthScheme = (headers: RecordedRequest["headers"]) => string | undefined;

function authorization(scheme: string): AuthScheme {
  const prefix = `${scheme} `;
  return (headers) => (headers.authorization?.startsWith(prefix) ? headers.authorization.slice(prefix.length) : undefined);
}

function header(name: string): AuthScheme {
  return (headers) => {
    const value = headers[name];
    return typeof value === "string" && value !== "" ? value : undefined;
  };
}

/** Each provider's documented way of carrying its key. */
export const LONG_TAIL_AUTH: Readonly<Record<string, AuthScheme>> = {
  huggingface: authorization("Bearer"),
  replicate: authorization("Bearer"),
  fal: authorization("Key"),
  ideogram: header("api-key"),
  // Cartesia refuses calls without its version header.
  cartesia: (headers) => (headers["cartesia-version"] ? header("x-api-key")(headers) : undefined),
  deepgram: authorization("Token"),
  elevenlabs: header("xi-api-key"),
  baseten: authorization("Api-Key"),
  parallel: header("x-api-key"),
};

export const LONG_TAIL_SLUGS = Object.keys(LONG_TAIL_AUTH);

/** An MP3 frame header and a WAV-like run: zeros, 0xFF and bytes that are no UTF-8. */
export const FAKE_AUDIO = Buffer.from([0xff, 0xfb, 0x90, 0x64, 0x00, 0x00, 0x00, 0x00, 0xff, 0xff, 0x80, 0x7f, 0x00, 0xfe, 0xc3, 0x28, 0xa0, 0xa1]);
/** A PNG's signature and the start of its header chunk. */
export const FAKE_PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52, 0x00, 0xff]);

export async function startFakeLongTail(): Promise<FakeLongTail> {
  return startFakeServer<FakeLongTailRequest>(
    (base) => {
      const slug = base.path.split("/")[1] ?? "";
      return { ...base, mode: "", slug, key: LONG_TAIL_AUTH[slug]?.(base.headers) };
    },
    (req, res) => {
      if (!LONG_TAIL_AUTH[req.slug]) return sendJson(res, 404, { error: `no provider ${req.slug}` });
      if (req.key === undefined) return sendJson(res, 401, { error: `${req.slug}: missing or malformed credentials` });
      if (req.query.kind === "audio") return sendBytes(res, FAKE_AUDIO, "audio/mpeg");
      if (req.query.kind === "image") return sendBytes(res, FAKE_PNG, "image/png");
      sendBytes(res, req.bytes, req.headers["content-type"] ?? "application/octet-stream");
    },
  );
}

function sendBytes(res: ServerResponse, bytes: Buffer, contentType: string): void {
  res.writeHead(200, { "content-type": contentType, "content-length": String(bytes.byteLength) });
  res.end(bytes);
}
