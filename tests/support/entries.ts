/**
 * The two ways a request reaches the gateway, and the integration suites run through both so they
 * cannot drift: `node` is server.ts's production path (node:http → lib/node-http → the
 * gateway), `next` is Next's own request handler serving the route handlers in app/ (`next dev`,
 * plain `next start`), built once per run by tests/support/next-build.ts.
 */
export type GatewayEntry = "node" | "next";

const ALL: GatewayEntry[] = ["node", "next"];

/** Both entries, or the one `TEST_GATEWAY_ENTRY` names (`node` or `next`) for a quicker run while working. */
export function gatewayEntries(): GatewayEntry[] {
  const only = process.env.TEST_GATEWAY_ENTRY;
  if (!only) return ALL;
  if (only === "node" || only === "next") return [only];
  throw new Error(`TEST_GATEWAY_ENTRY must be node or next (or unset for both), got "${only}"`);
}
