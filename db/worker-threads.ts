import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { parentPort, Worker } from "node:worker_threads";

declare global {
  interface ImportMeta {
    /** True in the server compiled ahead of time (scripts/build-server.mjs defines it), undefined in the sources. */
    bundled?: boolean;
  }
}

// The source file's, in the sources and in the compiled server alike (scripts/build-server.mjs keeps it so).
const here = fileURLToPath(import.meta.url);
const root = path.resolve(path.dirname(here), "..");

/**
 * The file that runs the worker entry `entry` (a path from the repository root, such as
 * "db/pglite/pglite.worker.ts"), and the Node options it needs. The one place that knows where
 * worker entries are:
 * - Compiled ahead of time (`npm start`): `dist/<entry>.mjs`, which scripts/build-server.mjs
 *   writes for every `*.worker.ts`.
 * - From the sources (tsx, Vitest, and Next's bundles): the `.ts` file through tsx, which a worker
 *   thread needs loaded again, with the repository's tsconfig named so the `@/` alias resolves
 *   whatever the working directory.
 */
export function workerScript(entry: string): { file: string; execArgv?: string[]; env?: NodeJS.ProcessEnv } {
  if (import.meta.bundled) return { file: path.join(root, "dist", entry.replace(/\.ts$/, ".mjs")) };
  // By its path: `--import tsx` would look for tsx from the working directory, which may be anywhere (the CLI).
  const tsx = pathToFileURL(createRequire(here).resolve(/* turbopackIgnore: true */ "tsx")).href;
  return {
    file: path.join(root, entry),
    execArgv: ["--import", tsx],
    env: { ...process.env, TSX_TSCONFIG_PATH: path.join(root, "tsconfig.json") },
  };
}

/**
 * An error as it crosses a thread: structured cloning keeps an Error's message but not its `code`,
 * `cause` or the other fields that describeDatabaseError and isTransientDatabaseError read. Only
 * fields with primitive values travel: a query's parameters (request data) stay behind.
 */
export interface SerializedError {
  name: string;
  message: string;
  fields: Record<string, string | number | boolean>;
  cause?: SerializedError;
}

export function serializeError(error: unknown, depth = 0): SerializedError {
  if (!(error instanceof Error)) return { name: "Error", message: String(error), fields: {} };
  const fields: SerializedError["fields"] = {};
  for (const [key, value] of Object.entries(error)) {
    if (typeof value === "string" || typeof value === "number" || typeof value === "boolean") fields[key] = value;
  }
  const serialized: SerializedError = { name: error.name, message: error.message, fields };
  if (error.cause !== undefined && depth < 4) serialized.cause = serializeError(error.cause, depth + 1);
  return serialized;
}

export function deserializeError(serialized: SerializedError): Error {
  const cause = serialized.cause && deserializeError(serialized.cause);
  const error = new Error(serialized.message, cause ? { cause } : undefined);
  error.name = serialized.name;
  return Object.assign(error, serialized.fields);
}

export interface Call {
  id: number;
  op: string;
  args: unknown;
}

export type Answer = { id: number; value: unknown } | { id: number; error: SerializedError } | { event: string; data: unknown };

export type Handlers = Record<string, (args: never) => unknown>;

/**
 * Runs the handler a call names and sends its result or its error: the answering side of a worker
 * thread (serveCalls) and of the embedded database's local socket (db/pglite/local-socket.ts).
 */
export async function answerCall(handlers: Handlers, { id, op, args }: Call, send: (answer: Answer) => void): Promise<void> {
  try {
    const handler = handlers[op] as ((args: unknown) => unknown) | undefined;
    if (!handler) throw new Error(`no such worker call: ${op}`);
    // Sending inside the try: a value that cannot be cloned fails its call, not the worker.
    send({ id, value: await handler(args) });
  } catch (error) {
    send({ id, error: serializeError(error) });
  }
}

/**
 * The worker's side: runs the handler each call names, concurrently (what must wait, the database
 * makes wait), and answers with its result or its error. `emit` sends an event the caller did not ask for.
 */
export function serveCalls(handlers: Handlers): { emit(event: string, data: unknown): void } {
  const port = parentPort;
  if (!port) throw new Error("serveCalls runs in a worker thread");
  port.on("message", (call: Call) => void answerCall(handlers, call, (answer) => port.postMessage(answer)));
  return { emit: (event, data) => port.postMessage({ event, data } satisfies Answer) };
}

/**
 * The young generation's cap for a worker's heap. Left to V8, loading drizzle's modules grows it to
 * its maximum, and a worker then holds about 120 MB more resident memory for no gain; at 16 MB it
 * adds about 65 MB (measured importing drizzle-orm/pg-core into a worker thread). Short-lived
 * garbage is then collected more often, on the worker's own thread.
 */
const YOUNG_GENERATION_MB = 16;

interface Pending {
  resolve(value: unknown): void;
  reject(error: Error): void;
}

/**
 * The caller's side of calls that `answerCall` answers, whatever carries them: each call waits for
 * the answer with its id. `onBusy` and `onIdle` say when the first call starts waiting and the last
 * one is answered, so that a transport keeps the process alive only while a call waits; once
 * `stop` was called, waiting calls and later ones fail with its error.
 */
export class PendingCalls {
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private stopped: Error | undefined;

  constructor(
    private readonly send: (call: Call) => void,
    private readonly hooks: { onBusy(): void; onIdle(): void; onEvent?(event: string, data: unknown): void },
  ) {}

  call<T>(op: string, args?: unknown): Promise<T> {
    if (this.stopped) return Promise.reject(this.stopped);
    const id = this.nextId++;
    if (this.pending.size === 0) this.hooks.onBusy();
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      try {
        this.send({ id, op, args });
      } catch (error) {
        // Arguments that cannot be cloned.
        this.settled(id);
        reject(error as Error);
      }
    });
  }

  /** An answer or an event from the other side. */
  receive(answer: Answer): void {
    if ("event" in answer) {
      this.hooks.onEvent?.(answer.event, answer.data);
      return;
    }
    const call = this.pending.get(answer.id);
    if (!call) return;
    this.settled(answer.id);
    if ("error" in answer) call.reject(deserializeError(answer.error));
    else call.resolve(answer.value);
  }

  /** The other side is gone: waiting calls and later ones fail with `error`. */
  stop(error: Error): void {
    this.stopped = error;
    for (const [id, call] of this.pending) {
      this.settled(id);
      call.reject(error);
    }
  }

  private settled(id: number): void {
    this.pending.delete(id);
    if (this.pending.size === 0) this.hooks.onIdle();
  }
}

/**
 * The caller's side of a worker that `serveCalls`. The worker keeps the process alive only while a
 * call waits for it, so an idle database never holds off the process's end, as with an in-process
 * one. When the worker stops on its own (a crash), waiting calls and later ones fail with
 * `stoppedError`.
 */
export class WorkerClient {
  private readonly worker: Worker;
  private readonly calls: PendingCalls;
  private closing = false;

  constructor(
    entry: string,
    options: {
      workerData?: unknown;
      onEvent?: (event: string, data: unknown) => void;
      /** Why calls fail once the worker stopped: `reason` says what stopped it, undefined after `terminate()`. */
      stoppedError: (reason: string | undefined) => Error;
      /** The worker stopped without `close()`. */
      onStopped?: (error: Error) => void;
    },
  ) {
    const { file, execArgv, env } = workerScript(entry);
    // Not `new Worker(file)`: Turbopack compiles what that can name as worker entries, here every
    // file of the repository (its ignore comments did not stop it), and Next's build fails.
    this.worker = Reflect.construct(Worker, [
      file,
      { execArgv, env, workerData: options.workerData, resourceLimits: { maxYoungGenerationSizeMb: YOUNG_GENERATION_MB } },
    ]) as Worker;
    this.worker.unref();
    this.calls = new PendingCalls((call) => this.worker.postMessage(call), {
      onBusy: () => this.worker.ref(),
      onIdle: () => this.worker.unref(),
      onEvent: options.onEvent,
    });
    this.worker.on("message", (answer: Answer) => this.calls.receive(answer));
    let failure: Error | undefined;
    this.worker.on("error", (error) => {
      failure = error;
    });
    this.worker.on("exit", (code) => {
      const stopped = options.stoppedError(this.closing ? undefined : (failure?.message ?? `its thread exited with code ${code}`));
      this.calls.stop(stopped);
      if (!this.closing) options.onStopped?.(stopped);
    });
  }

  call<T>(op: string, args?: unknown): Promise<T> {
    return this.calls.call(op, args);
  }

  /** Ends the thread; call the worker's own closing call first. */
  async terminate(): Promise<void> {
    this.closing = true;
    await this.worker.terminate();
  }
}
