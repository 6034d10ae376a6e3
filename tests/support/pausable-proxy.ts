import { createServer, connect, type Socket } from "node:net";
import type { AddressInfo } from "node:net";

/**
 * A TCP proxy in front of the Postgres server, for database-outage tests. `pause()` cuts every
 * connection through it and refuses new ones (the socket is accepted and closed at once, as a
 * server that went away does), until `resume()`.
 */
export interface PausableProxy {
  /** `databaseUrl` with its host and port replaced by the proxy's. */
  urlFor(databaseUrl: string): string;
  readonly paused: boolean;
  /** Connections refused since the last pause. */
  readonly refused: number;
  pause(): void;
  resume(): void;
  close(): Promise<void>;
}

export async function startPausableProxy(target: { host: string; port: number }): Promise<PausableProxy> {
  const open = new Set<Socket>();
  let paused = false;
  let refused = 0;
  const server = createServer((client) => {
    if (paused) {
      refused++;
      client.destroy();
      return;
    }
    const upstream = connect(target.port, target.host);
    for (const socket of [client, upstream]) {
      open.add(socket);
      socket.on("close", () => open.delete(socket));
      // A cut connection errors on both ends; closing one end closes the other below.
      socket.on("error", () => {});
    }
    client.pipe(upstream);
    upstream.pipe(client);
    client.on("close", () => upstream.destroy());
    upstream.on("close", () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    urlFor(databaseUrl) {
      const url = new URL(databaseUrl);
      url.hostname = "127.0.0.1";
      url.port = String(port);
      return url.toString();
    },
    get paused() {
      return paused;
    },
    get refused() {
      return refused;
    },
    pause() {
      paused = true;
      refused = 0;
      for (const socket of open) socket.destroy();
    },
    resume() {
      paused = false;
    },
    async close() {
      for (const socket of open) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
