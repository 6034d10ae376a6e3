import { createServer, STATUS_CODES, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { Duplex } from "node:stream";
import type { HttpLimits } from "@/lib/config";
import { headersTooLarge, malformedRequest, renderOpenAiError, requestTimeout, type GatewayError } from "@/lib/gateway/errors";

/** How long a refused connection stays open for the client to read the answer. */
const LINGER_MS = 1_000;

/**
 * A node:http server with the per-connection limits of `limits`, which answers what node's parser
 * refuses (oversized headers, bad framing, a client too slow to send its request) with a short
 * JSON error instead of node's empty-bodied one.
 *
 * `requestTimeoutMs` covers receiving the request only: once its body is in, a response may stream
 * for as long as it lasts.
 */
export function createHttpServer(listener: (req: IncomingMessage, res: ServerResponse) => void, limits: HttpLimits): Server {
  const server = createServer(
    {
      noDelay: true,
      // Node's own refusal of an HTTP/1.1 request without Host has an empty body; requestLineRefusal answers it.
      requireHostHeader: false,
      maxHeaderSize: limits.maxHeaderBytes,
      headersTimeout: limits.headersTimeoutMs,
      requestTimeout: limits.requestTimeoutMs,
      keepAliveTimeout: limits.keepAliveTimeoutMs,
      // Node checks the two timeouts every 30 s by default, which would let a 5 s timeout last 35 s.
      connectionsCheckingInterval: Math.min(30_000, Math.ceil(Math.min(limits.headersTimeoutMs, limits.requestTimeoutMs) / 4)),
    },
    listener,
  );
  server.on("clientError", (error: NodeJS.ErrnoException, socket: Duplex) => answerClientError(error, socket, limits));
  return server;
}

/**
 * Answers a request node's parser refused, then closes the connection. Only when the socket can
 * still take it and no response on it has started (a request whose body is too slow has one
 * waiting, unsent), which the answer would corrupt; those connections, and reset ones, are just
 * closed.
 */
function answerClientError(error: NodeJS.ErrnoException, socket: Duplex, limits: HttpLimits): void {
  // Already answered: the parser reports each further chunk the client sends as the same error.
  if (socket.writableEnded) return;
  const inFlight = (socket as Duplex & { _httpMessage?: ServerResponse | null })._httpMessage;
  if (error.code === "ECONNRESET" || !socket.writable || inFlight?.headersSent) {
    socket.destroy();
    return;
  }
  socket.end(rawResponse(parserRefusal(error, limits)));
  // A lingering close: the client may still be sending (the rest of an oversized request), and
  // closing on unread data resets the connection, which can discard the answer before it is read.
  setTimeout(() => socket.destroy(), LINGER_MS).unref();
}

function parserRefusal(error: NodeJS.ErrnoException, limits: HttpLimits): GatewayError {
  if (error.code === "HPE_HEADER_OVERFLOW") return headersTooLarge(limits.maxHeaderBytes);
  if (error.code === "ERR_HTTP_REQUEST_TIMEOUT") return requestTimeout();
  // llhttp's reason ("Invalid header value char") says what was wrong without echoing the input.
  const { reason } = error as NodeJS.ErrnoException & { reason?: unknown };
  return malformedRequest(typeof reason === "string" ? reason : "unreadable HTTP");
}

/** A whole HTTP/1.1 response for a socket node's server no longer writes to. */
function rawResponse(error: GatewayError): string {
  const body = renderOpenAiError(error);
  return (
    `HTTP/1.1 ${error.httpCode} ${STATUS_CODES[error.httpCode] ?? ""}\r\n` +
    "content-type: application/json\r\n" +
    `content-length: ${Buffer.byteLength(body)}\r\n` +
    "connection: close\r\n\r\n" +
    body
  );
}
