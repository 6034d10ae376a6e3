import cluster, { type Worker } from "node:cluster";
import { errorLine } from "@/lib/error-line";
import { mergeSnapshots, type MetricsSnapshot } from "./registry";

/**
 * One scrape hits one worker, so that worker asks the primary for every worker's snapshot and sums
 * them (prom-client's AggregatorRegistry): the scrape shows the whole instance.
 *
 *   worker --request--> primary --collect--> every worker --snapshot--> primary --reply--> worker
 *
 * The gathering is ours rather than `AggregatorRegistry.clusterMetrics()`: that one runs in the
 * primary, which serves no HTTP here, and fails the whole scrape when one worker has not answered
 * within 5 s; this one leaves such a worker, or one that exits meanwhile, out of that scrape.
 */
type MetricsMessage =
  | { switchyard: "metrics-request"; id: number }
  | { switchyard: "metrics-collect"; id: number }
  | { switchyard: "metrics-snapshot"; id: number; snapshot: MetricsSnapshot }
  | { switchyard: "metrics-reply"; id: number; snapshots: MetricsSnapshot[] };

/** How long the primary waits for the workers; one that has not answered by then is left out of that scrape. */
const GATHER_TIMEOUT_MS = 2_000;
/** How long a worker waits for the primary's reply. */
const REPLY_TIMEOUT_MS = 5_000;

function isMetricsMessage(message: unknown): message is MetricsMessage {
  const tag = (message as { switchyard?: unknown } | null)?.switchyard;
  return typeof tag === "string" && tag.startsWith("metrics-");
}

interface Gather {
  requester: Worker;
  requestId: number;
  pending: Set<number>;
  snapshots: MetricsSnapshot[];
  timer: NodeJS.Timeout;
}

/** In the primary: answers each worker's scrape with every live worker's snapshot. Returns a function that stops it. */
export function relayClusterMetrics(): () => void {
  let nextId = 0;
  const gathers = new Map<number, Gather>();

  const finish = (id: number) => {
    const gather = gathers.get(id);
    if (!gather) return;
    gathers.delete(id);
    clearTimeout(gather.timer);
    if (!gather.requester.isConnected()) return;
    const reply: MetricsMessage = { switchyard: "metrics-reply", id: gather.requestId, snapshots: gather.snapshots };
    gather.requester.send(reply, () => {});
  };
  const gone = (workerId: number) => {
    for (const [id, gather] of gathers) if (gather.pending.delete(workerId) && gather.pending.size === 0) finish(id);
  };

  const onMessage = (worker: Worker, message: unknown) => {
    if (!isMetricsMessage(message)) return;
    if (message.switchyard === "metrics-request") {
      const id = nextId++;
      const workers = Object.values(cluster.workers ?? {}).filter((w): w is Worker => w?.isConnected() === true);
      gathers.set(id, {
        requester: worker,
        requestId: message.id,
        pending: new Set(workers.map((w) => w.id)),
        snapshots: [],
        timer: setTimeout(() => finish(id), GATHER_TIMEOUT_MS),
      });
      const collect: MetricsMessage = { switchyard: "metrics-collect", id };
      for (const w of workers) w.send(collect, (error: Error | null) => error && gone(w.id));
    } else if (message.switchyard === "metrics-snapshot") {
      const gather = gathers.get(message.id);
      if (!gather?.pending.delete(worker.id)) return;
      gather.snapshots.push(message.snapshot);
      if (gather.pending.size === 0) finish(message.id);
    }
  };
  const onExit = (worker: Worker) => gone(worker.id);

  cluster.on("message", onMessage);
  cluster.on("exit", onExit);
  return () => {
    cluster.off("message", onMessage);
    cluster.off("exit", onExit);
    for (const gather of gathers.values()) clearTimeout(gather.timer);
    gathers.clear();
  };
}

/**
 * In a worker: answers the primary's collect requests with `local()` and returns the function a
 * scrape calls, which resolves to the sum over every worker.
 */
export function clusterMetrics(local: () => Promise<MetricsSnapshot>): () => Promise<MetricsSnapshot> {
  const send = process.send?.bind(process);
  if (!send) throw new Error("clusterMetrics needs an IPC channel to the primary (a node:cluster worker)");
  let nextId = 0;
  const waiting = new Map<number, { resolve: (snapshot: Promise<MetricsSnapshot>) => void; timer: NodeJS.Timeout }>();

  process.on("message", (message: unknown) => {
    if (!isMetricsMessage(message)) return;
    if (message.switchyard === "metrics-collect") {
      local().then(
        (snapshot) => send({ switchyard: "metrics-snapshot", id: message.id, snapshot } satisfies MetricsMessage, () => {}),
        (error: unknown) => console.error(`metrics collection failed in this worker: ${errorLine(error)}`),
      );
    } else if (message.switchyard === "metrics-reply") {
      const entry = waiting.get(message.id);
      if (!entry) return;
      waiting.delete(message.id);
      clearTimeout(entry.timer);
      entry.resolve(mergeSnapshots(message.snapshots));
    }
  });

  return () =>
    new Promise((resolve, reject) => {
      const id = nextId++;
      const fail = (error: Error) => {
        if (!waiting.delete(id)) return;
        clearTimeout(timer);
        reject(error);
      };
      const timer = setTimeout(() => fail(new Error("the cluster primary did not answer the metrics request")), REPLY_TIMEOUT_MS);
      waiting.set(id, { resolve, timer });
      send({ switchyard: "metrics-request", id } satisfies MetricsMessage, (error: Error | null) => error && fail(error));
    });
}
