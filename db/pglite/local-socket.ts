import { chmodSync, mkdirSync, rmSync } from "node:fs";
import { createConnection, createServer, type Server, type Socket } from "node:net";
import path from "node:path";
import { deserialize, serialize } from "node:v8";
import { answerCall, PendingCalls, type Answer, type Call, type Handlers } from "@/db/worker-threads";

/**
 * The embedded database shared with other local processes (the CLI while the server runs): the
 * calls and answers of the PGlite worker's protocol (worker-threads.ts, protocol.ts) over a Unix
 * socket. Each message is a 4-byte length and V8's serialization of it, the structured clone that
 * postMessage uses between threads, so rows keep the same shapes (BigInt, Date, Uint8Array) either way.
 */

/** A frame larger than this is not ours: the connection is dropped rather than the memory spent. */
const MAX_FRAME_BYTES = 256 * 1024 * 1024;

function writeFrame(socket: Socket, message: unknown): void {
  const body = serialize(message);
  const header = Buffer.allocUnsafe(4);
  header.writeUInt32BE(body.length);
  socket.write(Buffer.concat([header, body]));
}

/** Calls `onMessage` with each message the socket carries; a malformed one ends the connection. */
function readFrames(socket: Socket, onMessage: (message: unknown) => void): void {
  let buffered: Buffer = Buffer.alloc(0);
  socket.on("data", (chunk: Buffer) => {
    buffered = buffered.length === 0 ? chunk : Buffer.concat([buffered, chunk]);
    while (buffered.length >= 4) {
      const length = buffered.readUInt32BE(0);
      if (length > MAX_FRAME_BYTES) return void socket.destroy(new Error("a message over the size limit"));
      if (buffered.length < 4 + length) return;
      const body = buffered.subarray(4, 4 + length);
      buffered = buffered.subarray(4 + length);
      let message: unknown;
      try {
        message = deserialize(body);
      } catch {
        return void socket.destroy(new Error("a message that is not ours"));
      }
      onMessage(message);
    }
  });
}

/**
 * Where a process that holds the data folder `dataDir` shares it: a socket in a folder of its own
 * inside it, which only the owner may enter. Unix socket paths are limited to about 100 bytes, so a
 * deep data folder shares through a private folder under the system's temporary one instead; the
 * lock file (data-dir-lock.ts) tells the path either way.
 */
export function socketPathFor(dataDir: string, temporaryDir: () => string): string {
  const inDataDir = path.join(dataDir, "switchyard-socket", "db.sock");
  return Buffer.byteLength(inDataDir) <= 100 ? inDataDir : path.join(temporaryDir(), "db.sock");
}

export interface LocalSocketServer {
  close(): Promise<void>;
}

/**
 * Serves the calls of processes that connect to `socketPath`, each connection with the handlers
 * `session` makes for it; `end` runs once it is gone (its transactions to roll back). The socket's
 * folder is created owner-only before it listens: no other user can connect, even for a moment.
 */
export async function serveLocalSocket(
  socketPath: string,
  session: (emit: (event: string, data: unknown) => void) => { handlers: Handlers; end(): Promise<void> },
): Promise<LocalSocketServer> {
  const folder = path.dirname(socketPath);
  mkdirSync(folder, { recursive: true, mode: 0o700 });
  chmodSync(folder, 0o700);
  // Left by a process that ended without closing; whoever calls this holds the data folder's lock.
  rmSync(socketPath, { force: true });
  const connections = new Set<Socket>();
  const server: Server = createServer((socket) => {
    connections.add(socket);
    const send = (message: Answer) => {
      if (!socket.destroyed) writeFrame(socket, message);
    };
    const { handlers, end } = session((event, data) => send({ event, data }));
    readFrames(socket, (call) => void answerCall(handlers, call as Call, send));
    // A client that vanishes (killed, crashed) surfaces as an error; it ends its session all the same.
    socket.on("error", () => {});
    socket.on("close", () => {
      connections.delete(socket);
      void end();
    });
  });
  await new Promise<void>((listening, failed) => {
    server.once("error", failed);
    server.listen(socketPath, () => {
      server.off("error", failed);
      chmodSync(socketPath, 0o600);
      listening();
    });
  });
  return {
    close: async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const socket of connections) socket.destroy();
      await closed;
      rmSync(folder, { recursive: true, force: true });
    },
  };
}

/**
 * The connecting side: the same `call` as a WorkerClient, over the socket. The connection keeps the
 * process alive only while a call waits, as the worker does; once it ends, calls fail with
 * `stoppedError`.
 */
interface LocalSocketClientOptions {
  onEvent(event: string, data: unknown): void;
  /** Why calls fail once the connection ended: `reason` says what ended it, undefined after `close()`. */
  stoppedError(reason: string | undefined): Error;
  /** The connection ended without `close()`. */
  onStopped(error: Error): void;
}

export class LocalSocketClient {
  private readonly calls: PendingCalls;
  private closing = false;

  private constructor(
    private readonly socket: Socket,
    options: LocalSocketClientOptions,
  ) {
    this.calls = new PendingCalls((call) => writeFrame(socket, call), {
      onBusy: () => socket.ref(),
      onIdle: () => socket.unref(),
      onEvent: options.onEvent,
    });
    readFrames(socket, (answer) => this.calls.receive(answer as Answer));
    let failure: Error | undefined;
    socket.on("error", (error) => (failure = error));
    socket.on("close", () => {
      const stopped = options.stoppedError(this.closing ? undefined : (failure?.message ?? "the server closed the connection"));
      this.calls.stop(stopped);
      if (!this.closing) options.onStopped(stopped);
    });
    socket.unref();
  }

  /** Connects to `socketPath`; rejects with the system's error (ENOENT, ECONNREFUSED) when nothing listens there. */
  static connect(socketPath: string, options: LocalSocketClientOptions): Promise<LocalSocketClient> {
    return new Promise((connected, failed) => {
      const socket = createConnection(socketPath);
      socket.once("error", failed);
      socket.once("connect", () => {
        socket.off("error", failed);
        connected(new LocalSocketClient(socket, options));
      });
    });
  }

  call<T>(op: string, args?: unknown): Promise<T> {
    return this.calls.call(op, args);
  }

  async close(): Promise<void> {
    this.closing = true;
    if (this.socket.destroyed) return;
    const closed = new Promise<void>((resolve) => this.socket.once("close", () => resolve()));
    // Held until the server has seen the end: an idle socket is unref'd, and the process would leave the close unfinished.
    this.socket.ref();
    this.socket.end();
    await closed;
  }
}
