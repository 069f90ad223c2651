/** The messages between bench/queue-bench.ts (the parent) and bench/queue-bench-worker.ts over IPC. */

export interface WorkerInit {
  type: 'init';
  /** 0-based worker number; seeds its keys and payloads. */
  index: number;
  /** Messages this worker enqueues (its share of the scenario's total). */
  messages: number;
  /** Enqueue batch size = claim limit. */
  batch: number;
  /** Distinct order keys the messages are spread over. */
  keys: number;
  payloadBytes: number;
  /** Messages enqueued, claimed and completed on a private queue before the start signal (JIT, caches). */
  warmup: number;
  queue: string;
  tenantId: string;
}

export interface WorkerStart {
  type: 'start';
}

export type ToWorker = WorkerInit | WorkerStart;

export interface WorkerReady {
  type: 'ready';
  /** Store settings as the worker's connection sees them (durability evidence). */
  settings: Record<string, string>;
}

export interface WorkerResult {
  type: 'done';
  index: number;
  enqueued: number;
  completed: number;
  /** Cycles that claimed nothing (all claimable keys were busy or the queue was empty). */
  emptyClaims: number;
  /** Per cycle (enqueue + claim + complete), milliseconds. */
  cycleMs: number[];
  /** Total time spent in each queue call, milliseconds. */
  opTotalsMs: { enqueue: number; claim: number; complete: number };
  /** From the start signal until the queue was seen empty, milliseconds. */
  elapsedMs: number;
  /** process.resourceUsage().maxRSS, KiB. */
  maxRssKiB: number;
}

export interface WorkerFailure {
  type: 'error';
  index: number;
  message: string;
}

export type FromWorker = WorkerReady | WorkerResult | WorkerFailure;
