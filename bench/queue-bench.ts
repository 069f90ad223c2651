// npm run bench:queue [-- --json --messages N --only sqlite|postgres --runs 3 ...]
//
// Benchmark of koppel's durable encrypted queue: full cycles of enqueue -> claim -> complete with ~1 KiB
// JSON payloads under 1,000 order keys, on SQLite (one process) and PostgreSQL (1 and 4 processes).
// Every scenario runs in fresh child processes (bench/queue-bench-worker.ts) on a fresh store; see
// docs/benchmarks.md for the method and the figures. Not a test: a missed target never fails the process.
import { type ChildProcess, fork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { createApp } from '../src/app.js';
import { loadConfig } from '../src/config/load-config.js';
import { enqueueToClaimLatency, type LatencyFigures } from './lib/enqueue-claim-latency.js';
import { describeMachine } from './lib/machine.js';
import type { FromWorker, WorkerInit, WorkerResult } from './lib/protocol.js';
import { median, percentile, round } from './lib/stats.js';

const HELP = `Usage: npm run bench:queue -- [options]

  --json                 print one JSON object with all figures (progress goes to stderr)
  --only <backend>       sqlite or postgres
  --messages <n>         messages per scenario (default 100000 at batch 100, 10000 at batch 1)
  --batch <list>         batch sizes, comma separated (default 1,100)
  --workers <list>       PostgreSQL worker processes, comma separated (default 1,4)
  --keys <n>             distinct order keys (default 1000)
  --payload-bytes <n>    JSON size of each payload (default 1024)
  --runs <n>             run every scenario n times and report the median run (default 1)
  --cpu-prof <dir>       write a V8 CPU profile of every worker into <dir>
  --latency-messages <n> enqueue-to-claim latency at one message at a time: messages (default 500; 0 skips)
  --latency-only         measure only the enqueue-to-claim latency
  -h, --help

PostgreSQL: KOPPEL_BENCH_PG_URL or KOPPEL_TEST_PG_URL; without a reachable server those scenarios are skipped.`;

const TENANT = 'bench-tenant';
const QUEUE = 'mailplus';
const WORKER = new URL('./queue-bench-worker.ts', import.meta.url);

type Backend = 'sqlite' | 'postgres';

interface Scenario {
  name: string;
  backend: Backend;
  workers: number;
  batch: number;
  messages: number;
  /** Messages per second to reach, when the issue set one. */
  target?: number;
}

interface RunFigures {
  wallMs: number;
  msgPerSec: number;
  completed: number;
  emptyClaims: number;
  cycles: number;
  cycleP50Ms: number;
  cycleP99Ms: number;
  cycleMeanMs: number;
  /** Share of the workers' busy time per queue call. */
  opShare: { enqueue: number; claim: number; complete: number; other: number };
  peakRssMiB: number;
  peakRssMiBPerWorker: number[];
  settings: Record<string, string>;
}

const { values: opts } = parseArgs({
  options: {
    json: { type: 'boolean', default: false },
    only: { type: 'string' },
    messages: { type: 'string' },
    batch: { type: 'string', default: '1,100' },
    workers: { type: 'string', default: '1,4' },
    keys: { type: 'string', default: '1000' },
    'payload-bytes': { type: 'string', default: '1024' },
    runs: { type: 'string', default: '1' },
    'cpu-prof': { type: 'string' },
    'latency-messages': { type: 'string', default: '500' },
    'latency-only': { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  },
  strict: true,
});

if (opts.help) {
  console.log(HELP);
  process.exit(0);
}

function positiveInt(name: string, text: string): number {
  const n = Number(text.replace(/_/g, ''));
  if (!Number.isInteger(n) || n < 1) {
    console.error(`--${name} must be a positive integer, got ${text}`);
    process.exit(2);
  }
  return n;
}
const list = (name: string, text: string) => text.split(',').map((t) => positiveInt(name, t.trim()));

if (opts.only !== undefined && opts.only !== 'sqlite' && opts.only !== 'postgres') {
  console.error(`--only must be sqlite or postgres, got ${opts.only}`);
  process.exit(2);
}
const batches = list('batch', opts.batch!);
const workerCounts = list('workers', opts.workers!);
const keys = positiveInt('keys', opts.keys!);
const payloadBytes = positiveInt('payload-bytes', opts['payload-bytes']!);
const runs = positiveInt('runs', opts.runs!);
const latencyMessages =
  opts['latency-messages'] === '0' ? 0 : positiveInt('latency-messages', opts['latency-messages']!);
/** The target for an idle deliverer woken by an enqueue (LISTEN/NOTIFY on PostgreSQL). */
const LATENCY_TARGET_P50_MS = 10;
const fixedMessages = opts.messages === undefined ? undefined : positiveInt('messages', opts.messages);
const messagesFor = (batch: number) => fixedMessages ?? (batch >= 100 ? 100_000 : 10_000);
const warmupFor = (batch: number) => (batch >= 100 ? 2_000 : 200);

const TARGETS: Record<string, number> = {
  'sqlite/1/100': 25_000,
  'sqlite/1/1': 1_500,
  'postgres/4/100': 13_000,
};

/** Progress and notes: stderr with --json, so stdout holds only the JSON object. */
const note = (text: string) => (opts.json ? process.stderr.write(`${text}\n`) : console.log(text));

function scenarios(): Scenario[] {
  const out: Scenario[] = [];
  const add = (backend: Backend, workers: number, batch: number) => {
    const procs = workers === 1 ? '1 process' : `${workers} processes`;
    out.push({
      name: `${backend} batch ${batch}, ${procs}`,
      backend,
      workers,
      batch,
      messages: messagesFor(batch),
      target: TARGETS[`${backend}/${workers}/${batch}`],
    });
  };
  if (opts.only !== 'postgres') for (const b of batches) add('sqlite', 1, b);
  if (opts.only !== 'sqlite') for (const w of workerCounts) for (const b of batches) add('postgres', w, b);
  return out;
}

/** The PostgreSQL URL to use, or why the PostgreSQL scenarios are skipped. */
async function postgresUrl(): Promise<{ url: string } | { skip: string }> {
  const url = process.env.KOPPEL_BENCH_PG_URL || process.env.KOPPEL_TEST_PG_URL;
  if (!url) {
    return {
      skip:
        'neither KOPPEL_BENCH_PG_URL nor KOPPEL_TEST_PG_URL is set ' +
        '(export KOPPEL_TEST_PG_URL=$(bash scripts/ensure-postgres.sh))',
    };
  }
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5_000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return { url };
  } catch (error) {
    return { skip: `PostgreSQL at ${redact(url)} is not reachable: ${(error as Error).message}` };
  } finally {
    await client.end().catch(() => {});
  }
}

function redact(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(unparseable URL)';
  }
}

/** Cleanups of the stores in use, run on Ctrl-C too so no temp dir or schema is left behind. */
const pending = new Set<() => Promise<void>>();
process.once('SIGINT', () => {
  note('interrupted; cleaning up');
  void Promise.allSettled([...pending].map((f) => f())).then(() => process.exit(130));
});

interface PreparedStore {
  env: NodeJS.ProcessEnv;
  cleanup(): Promise<void>;
}

/** A fresh temp dir (and for PostgreSQL a fresh schema), migrated and with the tenant key created. */
async function prepareStore(backend: Backend, pgUrl: string | undefined): Promise<PreparedStore> {
  const dataDir = mkdtempSync(join(tmpdir(), 'koppel-bench-'));
  let storeUrl = join(dataDir, 'koppel.db');
  let dropSchema = async () => {};
  if (backend === 'postgres') {
    const schema = `bench_${randomBytes(5).toString('hex')}`;
    const admin = new pg.Client({ connectionString: pgUrl });
    await admin.connect();
    await admin.query(`CREATE SCHEMA ${schema}`);
    await admin.end();
    const url = new URL(pgUrl!);
    url.searchParams.set('options', `-c search_path=${schema}`);
    storeUrl = url.toString();
    dropSchema = async () => {
      const c = new pg.Client({ connectionString: pgUrl });
      await c.connect();
      await c.query(`DROP SCHEMA ${schema} CASCADE`);
      await c.end();
    };
  }
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    KOPPEL_MASTER_KEY: randomBytes(32).toString('base64'),
    KOPPEL_DATA_DIR: dataDir,
    KOPPEL_STORE_URL: storeUrl,
    KOPPEL_LOG_LEVEL: 'silent',
  };
  const cleanup = async () => {
    pending.delete(cleanup);
    await dropSchema().catch((e: Error) => note(`warning: could not drop the bench schema: ${e.message}`));
    rmSync(dataDir, { recursive: true, force: true });
  };
  pending.add(cleanup);
  try {
    // Migrate and create the tenant's data key once, so workers starting together do not race for them.
    const app = await createApp(loadConfig({ env }), { env });
    await app.keys.current(TENANT);
    await app.close();
  } catch (error) {
    await cleanup();
    throw error;
  }
  return { env, cleanup };
}

/** Waits for one message of `type` from every worker; rejects on a worker error or an early exit. */
function collect<T extends FromWorker['type']>(
  children: ChildProcess[],
  type: T,
): Promise<Extract<FromWorker, { type: T }>[]> {
  return Promise.all(
    children.map(
      (child, index) =>
        new Promise<Extract<FromWorker, { type: T }>>((resolve, reject) => {
          const onMessage = (m: FromWorker) => {
            if (m.type === 'error') return finish(() => reject(new Error(`worker ${index}: ${m.message}`)));
            if (m.type === type) finish(() => resolve(m as Extract<FromWorker, { type: T }>));
          };
          const onExit = (code: number | null, signal: string | null) =>
            finish(() => reject(new Error(`worker ${index} exited early (code ${code}, signal ${signal})`)));
          const finish = (then: () => void) => {
            child.off('message', onMessage);
            child.off('exit', onExit);
            then();
          };
          child.on('message', onMessage);
          child.on('exit', onExit);
        }),
    ),
  );
}

async function runScenario(s: Scenario, pgUrl: string | undefined): Promise<RunFigures> {
  const store = await prepareStore(s.backend, pgUrl);
  const children: ChildProcess[] = [];
  try {
    const execArgv = ['--import', 'tsx'];
    if (opts['cpu-prof']) execArgv.push('--cpu-prof', `--cpu-prof-dir=${opts['cpu-prof']}`);
    for (let i = 0; i < s.workers; i++) {
      children.push(fork(WORKER, [], { env: store.env, execArgv, stdio: ['ignore', 2, 2, 'ipc'] }));
    }
    const ready = collect(children, 'ready');
    children.forEach((child, index) => {
      const share = Math.floor(s.messages / s.workers) + (index < s.messages % s.workers ? 1 : 0);
      const init: WorkerInit = {
        type: 'init',
        index,
        messages: share,
        batch: s.batch,
        keys,
        payloadBytes,
        warmup: warmupFor(s.batch),
        queue: QUEUE,
        tenantId: TENANT,
      };
      child.send(init);
    });
    const [first] = await ready;
    const done = collect(children, 'done');
    const t0 = performance.now();
    for (const child of children) child.send({ type: 'start' });
    const results: WorkerResult[] = await done;
    const wallMs = performance.now() - t0;
    await Promise.all(
      children.map((c) => (c.exitCode === null ? new Promise((r) => c.once('exit', r)) : undefined)),
    );
    return summarise(s, results, wallMs, first!.settings);
  } finally {
    for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill();
    await store.cleanup();
  }
}

function summarise(
  s: Scenario,
  results: WorkerResult[],
  wallMs: number,
  settings: Record<string, string>,
): RunFigures {
  const completed = results.reduce((sum, r) => sum + r.completed, 0);
  if (completed !== s.messages) throw new Error(`completed ${completed} of ${s.messages} messages`);
  const cycles = results.flatMap((r) => r.cycleMs);
  const busy = results.reduce((sum, r) => sum + r.elapsedMs, 0);
  const op = (k: 'enqueue' | 'claim' | 'complete') => results.reduce((sum, r) => sum + r.opTotalsMs[k], 0);
  const share = (ms: number) => round(ms / busy, 3);
  const perWorker = results.map((r) => round(r.maxRssKiB / 1024, 1));
  return {
    wallMs: round(wallMs, 1),
    msgPerSec: Math.round(completed / (wallMs / 1000)),
    completed,
    emptyClaims: results.reduce((sum, r) => sum + r.emptyClaims, 0),
    cycles: cycles.length,
    cycleP50Ms: round(percentile(cycles, 50), 3),
    cycleP99Ms: round(percentile(cycles, 99), 3),
    cycleMeanMs: round(cycles.reduce((a, b) => a + b, 0) / cycles.length, 3),
    opShare: {
      enqueue: share(op('enqueue')),
      claim: share(op('claim')),
      complete: share(op('complete')),
      other: share(busy - op('enqueue') - op('claim') - op('complete')),
    },
    peakRssMiB: Math.max(...perWorker),
    peakRssMiBPerWorker: perWorker,
    settings,
  };
}

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');

function verdict(s: Scenario, msgPerSec: number): string {
  if (s.target === undefined) return 'no target';
  return `target >= ${fmt(s.target)}  ${msgPerSec >= s.target ? 'PASS' : 'BELOW'}`;
}

function line(s: Scenario, f: RunFigures, runsMsgPerSec: number[]): string {
  const rss =
    s.workers === 1
      ? `peak RSS ${f.peakRssMiB} MiB`
      : `peak RSS ${f.peakRssMiB} MiB (largest of ${s.workers} workers)`;
  const spread = runsMsgPerSec.length > 1 ? ` (runs: ${runsMsgPerSec.map(fmt).join(', ')})` : '';
  return [
    `${s.name}: ${fmt(f.msgPerSec)} msg/s  [${verdict(s, f.msgPerSec)}]${spread}`,
    `    ${fmt(f.completed)} messages in ${(f.wallMs / 1000).toFixed(2)} s; per cycle p50 ${f.cycleP50Ms} ms, ` +
      `p99 ${f.cycleP99Ms} ms (${fmt(f.cycles)} cycles); ${rss}`,
    `    time in enqueue ${pct(f.opShare.enqueue)}, claim ${pct(f.opShare.claim)}, complete ` +
      `${pct(f.opShare.complete)}, other ${pct(f.opShare.other)}`,
  ].join('\n');
}
const pct = (x: number) => `${Math.round(x * 100)}%`;

async function main(): Promise<void> {
  const machine = describeMachine();
  const list = scenarios();
  const skipped: { scenario: string; reason: string }[] = [];
  let pgUrl: string | undefined;
  if (list.some((s) => s.backend === 'postgres')) {
    const found = await postgresUrl();
    if ('url' in found) pgUrl = found.url;
    else {
      for (const s of list.filter((x) => x.backend === 'postgres')) {
        skipped.push({ scenario: s.name, reason: found.skip });
      }
      note(`PostgreSQL scenarios skipped: ${found.skip}`);
    }
  }
  note(
    `koppel queue benchmark: cycles of enqueue N -> claim <= N -> complete; ${payloadBytes}-byte JSON ` +
      `payloads (AES-256-GCM sealed by the queue), ${keys} order keys` +
      (runs > 1 ? `, median of ${runs} runs` : ''),
  );
  note(`machine: ${machine.cpus} x ${machine.cpuModel}, ${machine.memoryGiB} GiB, Node ${machine.node}\n`);
  const out: unknown[] = [];
  for (const s of opts['latency-only'] ? [] : list) {
    if (s.backend === 'postgres' && !pgUrl) continue;
    const all: RunFigures[] = [];
    for (let r = 0; r < runs; r++) {
      if (opts.json) note(`${s.name}: run ${r + 1} of ${runs}…`);
      all.push(await runScenario(s, pgUrl));
    }
    const rates = all.map((f) => f.msgPerSec);
    const mid = median(rates);
    const chosen = all.find((f) => f.msgPerSec === mid)!;
    note(line(s, chosen, rates));
    out.push({
      name: s.name,
      backend: s.backend,
      workers: s.workers,
      batch: s.batch,
      messages: s.messages,
      msgPerSec: chosen.msgPerSec,
      target: s.target ?? null,
      pass: s.target === undefined ? null : chosen.msgPerSec >= s.target,
      runsMsgPerSec: rates,
      wallMs: chosen.wallMs,
      latency: {
        per: 'cycle (enqueue N + claim up to N + complete), one worker',
        unit: 'ms',
        p50: chosen.cycleP50Ms,
        p99: chosen.cycleP99Ms,
        mean: chosen.cycleMeanMs,
        cycles: chosen.cycles,
      },
      emptyClaims: chosen.emptyClaims,
      timeShare: chosen.opShare,
      peakRssMiB: chosen.peakRssMiB,
      peakRssMiBPerWorker: chosen.peakRssMiBPerWorker,
      settings: chosen.settings,
    });
  }
  const latency: unknown[] = [];
  for (const backend of ['sqlite', 'postgres'] as const) {
    if (latencyMessages === 0 || (opts.only !== undefined && opts.only !== backend)) continue;
    if (backend === 'postgres' && !pgUrl) continue;
    const figures = await measureLatency(backend, pgUrl);
    const pass = figures.p50 < LATENCY_TARGET_P50_MS;
    note(
      `${backend} enqueue-to-claim, one message at a time: p50 ${figures.p50} ms, p90 ${figures.p90} ms, ` +
        `p99 ${figures.p99} ms (${figures.messages} messages, ${figures.timeouts} waits timed out; ` +
        `target p50 < ${LATENCY_TARGET_P50_MS} ms: ${pass ? 'met' : 'MISSED'})`,
    );
    latency.push({ backend, ...figures, targetP50Ms: LATENCY_TARGET_P50_MS, pass });
  }
  for (const s of skipped) if (!opts.json) note(`${s.scenario}: skipped`);
  if (opts.json) {
    process.stdout.write(
      `${JSON.stringify({
        benchmark: 'koppel queue: enqueue -> claim -> complete',
        machine,
        options: { keys, payloadBytes, runs, batches, postgresWorkers: workerCounts },
        scenarios: out,
        enqueueToClaim: latency,
        skipped,
      })}\n`,
    );
  }
}

/**
 * An idle deliverer woken by an enqueue. PostgreSQL: producer and consumer are two apps (two pools,
 * the consumer's LISTEN connection), as two processes would be; SQLite is one process, so one app.
 */
async function measureLatency(backend: Backend, url: string | undefined): Promise<LatencyFigures> {
  const store = await prepareStore(backend, url);
  const config = loadConfig({ env: store.env });
  const consumer = await createApp(config, { env: store.env });
  const producer = backend === 'postgres' ? await createApp(config, { env: store.env }) : consumer;
  try {
    return await enqueueToClaimLatency({
      producer,
      consumer,
      tenantId: TENANT,
      queue: QUEUE,
      messages: latencyMessages,
    });
  } finally {
    if (producer !== consumer) await producer.close();
    await consumer.close();
    await store.cleanup();
  }
}

await main();
