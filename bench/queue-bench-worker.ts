// One benchmark worker: its own createApp on the scenario's store, driven by the parent over IPC.
// Cycle: enqueue a batch of N keyed ~1 KiB payloads, claim up to N, complete what was claimed. After its
// share is enqueued it drains until the queue holds no live message, then reports its figures.
import { setTimeout as sleep } from 'node:timers/promises';
import { sql } from 'kysely';
import { type App, createApp } from '../src/app.js';
import { loadConfig } from '../src/config/load-config.js';
import type { EnqueueItem } from '../src/queue/queue.js';
import { payloadPool, prng } from './lib/payload.js';
import type { FromWorker, ToWorker, WorkerInit } from './lib/protocol.js';

const POOL = 512;

function send(message: FromWorker): Promise<void> {
  return new Promise((resolve, reject) =>
    process.send!(message, (e: Error | null) => (e ? reject(e) : resolve())),
  );
}

function nextMessage(): Promise<ToWorker> {
  return new Promise((resolve) => process.once('message', (m) => resolve(m as ToWorker)));
}

async function settings(app: App): Promise<Record<string, string>> {
  const db = app.store.db;
  const one = async (query: string) => {
    const { rows } = await sql.raw<Record<string, unknown>>(query).execute(db);
    return String(Object.values(rows[0] ?? {})[0]);
  };
  if (app.store.dialect === 'sqlite') {
    return {
      journal_mode: await one('PRAGMA journal_mode'),
      synchronous: await one('PRAGMA synchronous'),
      secure_delete: await one('PRAGMA secure_delete'),
      sqlite_version: await one('SELECT sqlite_version()'),
    };
  }
  return {
    synchronous_commit: await one('SHOW synchronous_commit'),
    fsync: await one('SHOW fsync'),
    wal_sync_method: await one('SHOW wal_sync_method'),
    server_version: await one('SHOW server_version'),
  };
}

async function liveCount(app: App, queue: string): Promise<number> {
  const row = await app.store.db
    .selectFrom('queue_messages')
    .select((eb) => eb.fn.countAll().as('n'))
    .where('queue', '=', queue)
    .where('state', '=', 0)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

interface RunFigures {
  enqueued: number;
  completed: number;
  emptyClaims: number;
  cycleMs: number[];
  opTotalsMs: { enqueue: number; claim: number; complete: number };
}

/** Enqueues `messages` in batches with claim/complete cycles in between, then drains `queue`. */
async function run(
  app: App,
  init: WorkerInit,
  queue: string,
  messages: number,
  seed: number,
): Promise<RunFigures> {
  const random = prng(seed);
  const pool = payloadPool(seed, POOL, init.payloadBytes);
  const figures: RunFigures = {
    enqueued: 0,
    completed: 0,
    emptyClaims: 0,
    cycleMs: [],
    opTotalsMs: { enqueue: 0, claim: 0, complete: 0 },
  };
  const ops = figures.opTotalsMs;
  const claimAndComplete = async (): Promise<number> => {
    const t0 = performance.now();
    const claimed = await app.queue.claim({ queue, tenantId: init.tenantId, limit: init.batch });
    const t1 = performance.now();
    ops.claim += t1 - t0;
    if (claimed.length === 0) return 0;
    const settled = await app.queue.complete(claimed);
    ops.complete += performance.now() - t1;
    const ok = settled.filter((s) => s.status === 'ok').length;
    if (ok !== claimed.length) throw new Error(`${claimed.length - ok} completes lost their lease`);
    figures.completed += ok;
    return ok;
  };
  let n = 0;
  while (figures.enqueued < messages) {
    const size = Math.min(init.batch, messages - figures.enqueued);
    const items: EnqueueItem[] = [];
    for (let i = 0; i < size; i++) {
      items.push({
        tenantId: init.tenantId,
        queue,
        key: `contact-${Math.floor(random() * init.keys)}`,
        payload: pool[n++ % POOL],
      });
    }
    const start = performance.now();
    await app.queue.enqueue(items);
    ops.enqueue += performance.now() - start;
    figures.enqueued += size;
    if ((await claimAndComplete()) === 0) figures.emptyClaims++;
    figures.cycleMs.push(performance.now() - start);
  }
  // Drain: what is left is blocked behind a key in flight here or in another worker, or not yet claimed.
  for (;;) {
    if ((await claimAndComplete()) > 0) continue;
    if ((await liveCount(app, queue)) === 0) break;
    await sleep(1);
  }
  return figures;
}

async function main(): Promise<void> {
  const init = await nextMessage();
  if (init.type !== 'init') throw new Error(`expected init, got ${init.type}`);
  try {
    const app = await createApp(loadConfig({ env: process.env }), { env: process.env });
    try {
      if (init.warmup > 0) {
        await run(app, init, `warmup-${init.index}`, init.warmup, 9_000 + init.index);
      }
      await send({ type: 'ready', settings: await settings(app) });
      const start = await nextMessage();
      if (start.type !== 'start') throw new Error(`expected start, got ${start.type}`);
      const t0 = performance.now();
      const figures = await run(app, init, init.queue, init.messages, 1_000 + init.index);
      const elapsedMs = performance.now() - t0;
      await send({
        type: 'done',
        index: init.index,
        ...figures,
        elapsedMs,
        maxRssKiB: process.resourceUsage().maxRSS,
      });
    } finally {
      await app.close();
    }
  } catch (error) {
    await send({ type: 'error', index: init.index, message: (error as Error).stack ?? String(error) });
    process.exitCode = 1;
  }
  process.disconnect();
}

await main();
