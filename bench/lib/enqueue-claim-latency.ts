// Enqueue-to-claim latency at one message at a time: a deliverer that found the queue empty waits on
// the queue's wake-up (LISTEN/NOTIFY on PostgreSQL, in-process on SQLite) instead of sleeping a poll
// interval; the producer enqueues the next message only after the previous one was claimed and
// completed, so every message meets an idle deliverer.
import type { App } from '../../src/app.js';
import { percentile, round } from './stats.js';

export interface LatencyFigures {
  messages: number;
  unit: 'ms';
  p50: number;
  p90: number;
  p99: number;
  max: number;
  /** Waits that ended by their timeout (the poll interval) instead of a notification. */
  timeouts: number;
}

export interface LatencyOptions {
  /** Enqueues here. */
  producer: App;
  /** Claims here: another App (another connection and LISTEN) on PostgreSQL, the same on SQLite. */
  consumer: App;
  tenantId: string;
  queue: string;
  messages: number;
  /** The deliverer's longest wait when no notification comes, as a poll interval. */
  pollMs?: number;
}

export async function enqueueToClaimLatency(o: LatencyOptions): Promise<LatencyFigures> {
  const pollMs = o.pollMs ?? 1_000;
  const samples: number[] = [];
  let timeouts = 0;
  let claimedAt: ((at: number) => void) | undefined;
  const stop = new AbortController();
  const consumer = (async () => {
    while (!stop.signal.aborted) {
      const mark = await o.consumer.queue.workMark(o.queue);
      const claimed = await o.consumer.queue.claim({ queue: o.queue, tenantId: o.tenantId, limit: 1 });
      if (claimed.length > 0) {
        const at = performance.now();
        await o.consumer.queue.complete(claimed);
        claimedAt?.(at);
        continue;
      }
      const woke = await o.consumer.queue
        .waitForWork({ queue: o.queue, since: mark, timeoutMs: pollMs, signal: stop.signal })
        .catch(() => 'stopped');
      if (woke === 'timeout') timeouts++;
    }
  })();
  try {
    // Let the deliverer find the queue empty and go idle first.
    await new Promise((resolve) => setTimeout(resolve, 50));
    for (let i = 0; i < o.messages; i++) {
      const claimed = new Promise<number>((resolve) => {
        claimedAt = resolve;
      });
      const t0 = performance.now();
      await o.producer.queue.enqueue([{ tenantId: o.tenantId, queue: o.queue, payload: { n: i } }]);
      samples.push((await claimed) - t0);
      // A short pause, so the deliverer is back in its wait before the next message.
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
  } finally {
    stop.abort();
    await consumer;
  }
  const sorted = [...samples].sort((a, b) => a - b);
  return {
    messages: samples.length,
    unit: 'ms',
    p50: round(percentile(sorted, 50)),
    p90: round(percentile(sorted, 90)),
    p99: round(percentile(sorted, 99)),
    max: round(sorted.at(-1) ?? 0),
    timeouts,
  };
}
