/** What the main thread and the PGlite worker (pglite.worker.ts) send each other, beside LogEvents. */

export interface PgliteWorkerData {
  /** PGlite's folder, or "memory://". */
  dataDir: string;
}

export interface QueryCall {
  sql: string;
  params: unknown[];
  rowMode: "object" | "array";
  /** Type oids whose values stay the database's text instead of being parsed. */
  rawTypes: number[];
  /** The open transaction the query belongs to; without it the query waits for any open one to end. */
  transaction?: number;
}

export interface Notification {
  subscription: number;
  payload: string;
}
