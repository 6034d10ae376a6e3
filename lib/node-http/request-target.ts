import type { IncomingMessage } from "node:http";
import { malformedRequest, methodNotAllowed, type GatewayError } from "@/lib/gateway/errors";

/** Methods the WHATWG Request refuses to carry, so neither the gateway nor Next can take them. */
const FORBIDDEN_METHODS: ReadonlySet<string> = new Set(["TRACE", "TRACK", "CONNECT"]);
const SERVED_METHODS = "GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS";

/**
 * What makes a request one no handler can take as a WHATWG Request, checked before routing so
 * that neither the gateway adapter nor Next answers it with a 500: a forbidden method, a request
 * target that is not a path (`*`), a Host that is missing or is not a host. An absolute-form target
 * (`GET http://host/path`) is rewritten to its path, as RFC 9112 asks servers to accept it.
 */
export function requestLineRefusal(req: IncomingMessage): GatewayError | undefined {
  const method = req.method ?? "GET";
  if (FORBIDDEN_METHODS.has(method)) return methodNotAllowed(method, SERVED_METHODS);
  const target = req.url ?? "/";
  if (!target.startsWith("/")) {
    const absolute = /^https?:\/\//i.test(target) ? URL.parse(target) : null;
    if (!absolute) {
      return malformedRequest(`the request target must be a path such as /v1/{team}/{gateway}/…, got "${truncate(target)}"`);
    }
    req.url = absolute.pathname + absolute.search;
  }
  const host = req.headers.host;
  if (host === undefined && req.httpVersion === "1.1") return malformedRequest("an HTTP/1.1 request must carry a Host header");
  if (host !== undefined && !isHost(host)) {
    return malformedRequest(`the Host header must be a host name or address with an optional port, got "${truncate(host)}"`);
  }
  return undefined;
}

/** `host[:port]`, nothing more (no user info, path or query), with a port from 0 to 65535. */
function isHost(value: string): boolean {
  if (value === "" || /[/?#@\\\s]/.test(value)) return false;
  return URL.canParse(`http://${value}`);
}

function truncate(text: string): string {
  return text.length > 100 ? `${text.slice(0, 100)}…` : text;
}
