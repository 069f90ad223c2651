// npm run bench:sync [-- --contacts N --json --runs 3 --poll-interval 2000 ...]
//
// Benchmark of koppel's sync on the emulators: the initial load of N contacts Dataverse -> Mail+, the API
// calls it costs on each side (and the Mail+ updates-feed reads of koppel's own writes), koppel's peak
// RSS, the calls of an idle round and the change-to-arrival latency of live edits. The two emulators
// and koppel each run in a process of their own (bench/sync-bench-emulator.ts, bench/sync-bench-worker.ts)
// so koppel's memory is measured alone. See docs/benchmarks.md. Not a test: a missed target is marked
// BELOW but never fails the process.
import { type ChildProcess, fork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { describeMachine } from './lib/machine.js';
import { client, ready } from './lib/rpc.js';
import { median, percentile, round } from './lib/stats.js';
import type { CallCounts, EmulatorInfo } from './sync-bench-emulator.js';
import type { PhaseFigures, RoundFigures, SetupArg } from './sync-bench-worker.js';

const HELP = `Usage: npm run bench:sync -- [options]

  --contacts <n>          contacts in Dataverse to load into Mail+ (default 100000)
  --json                  print one JSON object with all figures (progress goes to stderr)
  --runs <n>              repeat everything n times on fresh processes; report the median run (default 1)
  --poll-interval <ms>    pause between live rounds, as koppel start's sync.pollIntervalSeconds (default 2000)
  --edits <n>             Dataverse edits during the live phase (default 300)
  --live-seconds <s>      the live phase, right after the load: edits spread over it (default 600, the
                          first 10 minutes after the load)
  --mailplus-overlap <ms> the Mail+ feed overlap; a comma list runs each (default 300000,5000: koppel
                          start's default sync.mailplusOverlapSeconds, and the demo's 5 s)
  --skip-reference        do not run the bare reference pipeline (no ratioToReference)
  --mailplus-lag <ms>     the Mail+ emulator's updates-feed visibility lag (default 2000, its default)
  --cpu-prof <dir>        write a V8 CPU profile of koppel during the initial load into <dir>
  --heap-snapshot <dir>   write a heap snapshot of the koppel process after the load into <dir>
  --skip-live             only the load, the echo reads and the idle round
  --feed-page-size <n>    what-if: Mail+ updates-feed page size (koppel asks 5000 and steps down if refused)
  --node-flags=<flags>    node flags for the koppel process; default the heap cap bin/koppel.js uses
  --tsx                   run koppel under tsx instead of bundled to plain JS (tsx adds ~60 MiB of RSS)
  -h, --help`;

const { values: opts } = parseArgs({
  options: {
    contacts: { type: 'string', default: '100000' },
    json: { type: 'boolean', default: false },
    runs: { type: 'string', default: '1' },
    'poll-interval': { type: 'string', default: '2000' },
    edits: { type: 'string', default: '300' },
    'live-seconds': { type: 'string', default: '600' },
    'mailplus-overlap': { type: 'string', default: '300000,5000' },
    'skip-reference': { type: 'boolean', default: false },
    'mailplus-lag': { type: 'string', default: '2000' },
    'cpu-prof': { type: 'string' },
    'heap-snapshot': { type: 'string' },
    'skip-live': { type: 'boolean', default: false },
    tsx: { type: 'boolean', default: false },
    // As bin/koppel.js runs koppel.
    'node-flags': { type: 'string', default: '--max-old-space-size=192 --max-semi-space-size=2' },
    'feed-page-size': { type: 'string' },
    help: { type: 'boolean', short: 'h', default: false },
  },
  strict: true,
});
if (opts.help) {
  console.log(HELP);
  process.exit(0);
}

function int(name: string, text: string, min = 1): number {
  const n = Number(text.replace(/_/g, ''));
  if (!Number.isInteger(n) || n < min) {
    console.error(`--${name} must be an integer >= ${min}, got ${text}`);
    process.exit(2);
  }
  return n;
}
const contacts = int('contacts', opts.contacts!);
const runs = int('runs', opts.runs!);
const pollMs = int('poll-interval', opts['poll-interval']!, 100);
const edits = int('edits', opts.edits!);
const liveMs = int('live-seconds', opts['live-seconds']!) * 1000;
const overlaps = opts['mailplus-overlap']!.split(',').map((text) => int('mailplus-overlap', text, 0));
const lagMs = int('mailplus-lag', opts['mailplus-lag']!, 0);

const DV_PAGE = 5000;
const MP_BULK = 100;
const RSS_LIMIT_MIB = 256;
const RATE_TARGET = 2000;
const CALLS_FACTOR = 1.05;
const RATIO_TARGET = 0.75;

const note = (text: string) => (opts.json ? process.stderr.write(`${text}\n`) : console.log(text));
const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
const mib = (bytes: number) => round(bytes / 2 ** 20, 1);

const children = new Set<ChildProcess>();
const dirs = new Set<string>();
function cleanup(): void {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
}
process.once('SIGINT', () => {
  note('interrupted; cleaning up');
  cleanup();
  process.exit(130);
});

function start(script: string | URL, args: string[], env: NodeJS.ProcessEnv, execArgv: string[] = []) {
  const plain = script instanceof URL;
  const child = fork(plain ? script : new URL(script, import.meta.url), args, {
    env,
    execArgv: plain ? execArgv : ['--import', 'tsx', ...execArgv],
    stdio: ['ignore', 2, 2, 'ipc'],
  });
  children.add(child);
  child.once('exit', () => children.delete(child));
  return child;
}

/** VmRSS of a process every 50 ms from /proc (Linux), independent of the sampled process's event loop. */
function rssSampler(pid: number) {
  let peak = 0;
  let samples = 0;
  const read = () => {
    try {
      const kib = Number(/^VmRSS:\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]);
      if (kib > 0) {
        peak = Math.max(peak, kib * 1024);
        samples++;
      }
    } catch {}
  };
  const timer = setInterval(read, 50);
  return {
    peak: () => peak,
    samples: () => samples,
    stop: () => clearInterval(timer),
  };
}

const sum = (c: CallCounts, match: (route: string) => boolean) =>
  Object.entries(c.byRoute).reduce((n, [route, k]) => n + (match(route) ? k : 0), 0);
const isFeed = (route: string) => route === 'GET /contact/updates/list';
const isBulk = (route: string) => route === 'POST /contact/list';

/**
 * koppel as production runs it: compiled JavaScript under plain node. The worker and the src/ it imports
 * are bundled with esbuild (tsx's own) into <repo>/tmp/ (git-ignored; two levels below the root like
 * dist/store, so migrations/ and node_modules/ resolve as for dist/). Under tsx the loader itself holds
 * ~60 MiB more.
 */
async function bundleWorker(): Promise<URL> {
  const esbuild = await import('esbuild');
  const outfile = new URL('../tmp/sync-bench/worker.mjs', import.meta.url);
  await esbuild.build({
    entryPoints: [fileURLToPath(new URL('./sync-bench-worker.ts', import.meta.url))],
    outfile: fileURLToPath(outfile),
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    logLevel: 'warning',
  });
  return outfile;
}

interface RunFigures {
  mailplusOverlapMs: number;
  seedMs: number;
  loadWallMs: number;
  contactsPerSec: number;
  loadRounds: number;
  inMailplus: number;
  dataverse: { load: CallCounts; settle: CallCounts; minimum: number };
  mailplus: {
    load: CallCounts;
    settle: CallCounts;
    minimumWrites: number;
    writes: number;
    feedReadsDuringLoad: number;
    feedReadsAfterLoad: number;
    /** The pageSize values koppel asked of the updates feed. */
    feedPageSizes: number[];
  };
  settleRounds: RoundFigures[];
  idle: { dataverse: number; mailplus: number; routes: { dataverse: CallCounts; mailplus: CallCounts } }[];
  memory: {
    baselineRssMiB: number;
    peakRssMiB: number;
    sampledPeakRssMiB: number;
    rssSamples: number;
    heapUsedAfterLoadMiB: number;
    /** process.memoryUsage() of koppel at its highest sampled RSS during the load, MiB. */
    atPeakMiB: Record<string, number>;
    emulatorsRssMiB: { dataverse: number; mailplus: number };
  };
  loadTimeMs: Record<string, number>;
  loadCalls: Record<string, number>;
  loadRoundMs: number[];
  /** The bare pipeline on the same emulators (bench/lib/reference-pipeline.ts), after koppel's phases. */
  reference?: { contacts: number; wallMs: number; contactsPerSec: number; pages: number; bulkCalls: number };
  /** koppel's load contacts/s over the reference's. */
  ratioToReference?: number;
  live?: {
    pollIntervalMs: number;
    edits: number;
    arrived: number;
    latencyMs: { p50: number; p95: number; max: number; min: number };
    /** The same for the edits made in the first overlap after the load (its echoes in the window). */
    firstOverlapLatencyMs: { edits: number; p95: number; max: number } | null;
    /** When the live phase started, after the load ended. */
    startedAfterLoadMs: number;
    feedCalls: number;
    rounds: number;
    roundMs: { p50: number; max: number };
    callsPerRound: { dataverse: number; mailplus: number };
    calls: { dataverse: CallCounts; mailplus: CallCounts };
  };
}

async function runOnce(run: number, overlapMs: number): Promise<RunFigures> {
  const dataDir = mkdtempSync(join(tmpdir(), 'koppel-sync-bench-'));
  dirs.add(dataDir);
  try {
    note(`run ${run}: seeding ${fmt(contacts)} contacts in the Dataverse emulator (own process)…`);
    // The emulators hold every contact in memory (about 3 KiB each): room for a million and more.
    const big = ['--max-old-space-size=16384'];
    const dvChild = start('./sync-bench-emulator.ts', ['dataverse', String(contacts)], process.env, big);
    const mpChild = start('./sync-bench-emulator.ts', ['mailplus', '0', String(lagMs)], process.env, big);
    await Promise.all([ready(dvChild, 'dataverse emulator'), ready(mpChild, 'mailplus emulator')]);
    const dv = client(dvChild, 'dataverse emulator');
    const mp = client(mpChild, 'mailplus emulator');
    const [dvInfo, mpInfo] = await Promise.all([dv<EmulatorInfo>('info'), mp<EmulatorInfo>('info')]);
    note(`  seeded in ${(dvInfo.seedMs / 1000).toFixed(1)} s`);

    const execArgv: string[] = opts['node-flags']!.split(/\s+/).filter(Boolean);
    const workerEnv: NodeJS.ProcessEnv = {
      ...process.env,
      KOPPEL_MASTER_KEY: randomBytes(32).toString('base64'),
      KOPPEL_DATA_DIR: dataDir,
      KOPPEL_LOG_LEVEL: 'silent',
    };
    delete workerEnv.KOPPEL_STORE_URL;
    delete workerEnv.KOPPEL_CONFIG;
    const workerChild = start(
      opts.tsx ? './sync-bench-worker.ts' : await bundleWorker(),
      [],
      workerEnv,
      execArgv,
    );
    await ready(workerChild, 'koppel worker');
    const koppel = client(workerChild, 'koppel worker');
    const setup: SetupArg = {
      dataverse: dvInfo,
      mailplus: mpInfo,
      mailplusOverlapMs: overlapMs,
      feedPageSize: opts['feed-page-size'] ? int('feed-page-size', opts['feed-page-size']) : undefined,
    };
    const { rssBytes: baseline } = await koppel<{ rssBytes: number }>('setup', setup);

    // 1. The initial load: rounds until nothing is left to deliver.
    await Promise.all([dv('reset'), mp('reset')]);
    const sampler = rssSampler(workerChild.pid!);
    note(`  initial load…`);
    const load = await koppel<PhaseFigures>('load', { profileDir: opts['cpu-prof'] });
    sampler.stop();
    const loadEndedAt = Date.now();
    const [dvLoad, mpLoad] = await Promise.all([dv<CallCounts>('counts'), mp<CallCounts>('counts')]);
    const feedPageSizes = await mp<number[]>('feedPageSizes');
    if (opts['heap-snapshot']) await koppel('heapSnapshot', opts['heap-snapshot']);
    const inMailplus = await mp<number>('size');
    const written = Number(load.stats.writtenToMailplus);
    if (inMailplus !== contacts || written !== contacts)
      note(`  WARNING: Mail+ holds ${fmt(inMailplus)} contacts, koppel wrote ${fmt(written)}`);
    const loadWallMs = load.wallMs;
    note(`  ${fmt(written)} contacts in ${(loadWallMs / 1000).toFixed(1)} s, ${load.rounds.length} round(s)`);

    // 2. The echoes: the updates feed returns koppel's own writes (visible after the feed lag).
    await Promise.all([dv('reset'), mp('reset')]);
    const settleRounds: RoundFigures[] = [];
    for (let i = 0; i < 8; i++) {
      const phase = await koppel<PhaseFigures>('rounds', { n: 1, gapMs: lagMs + 500 });
      const r = phase.rounds[0]!;
      settleRounds.push(r);
      if (r.mailplusRead === 0 && r.deliveredToMailplus === 0 && r.deliveredToDataverse === 0) break;
    }
    const [dvSettle, mpSettle] = await Promise.all([dv<CallCounts>('counts'), mp<CallCounts>('counts')]);
    feedPageSizes.push(...(await mp<number[]>('feedPageSizes')));

    // 3. (after the live phase) idle rounds; 5. the reference pipeline.
    const idle: RunFigures['idle'] = [];

    const [dvRss, mpRss] = await Promise.all([dv<number>('rss'), mp<number>('rss')]);
    const figures: RunFigures = {
      mailplusOverlapMs: overlapMs,
      seedMs: dvInfo.seedMs,
      loadWallMs,
      contactsPerSec: written / (loadWallMs / 1000),
      loadRounds: load.rounds.length,
      inMailplus,
      dataverse: { load: dvLoad, settle: dvSettle, minimum: Math.ceil(contacts / DV_PAGE) },
      mailplus: {
        load: mpLoad,
        settle: mpSettle,
        minimumWrites: Math.ceil(contacts / MP_BULK),
        writes: sum(mpLoad, isBulk) + sum(mpSettle, isBulk),
        feedReadsDuringLoad: sum(mpLoad, isFeed),
        feedReadsAfterLoad: sum(mpSettle, isFeed),
        feedPageSizes: [...new Set(feedPageSizes)],
      },
      settleRounds,
      idle,
      memory: {
        baselineRssMiB: mib(baseline),
        peakRssMiB: mib(Math.max(load.maxRssBytes, sampler.peak())),
        sampledPeakRssMiB: mib(sampler.peak()),
        rssSamples: sampler.samples(),
        heapUsedAfterLoadMiB: mib(load.heapUsedBytes),
        atPeakMiB: Object.fromEntries(Object.entries(load.atPeak).map(([k, v]) => [k, mib(v)])),
        emulatorsRssMiB: { dataverse: mib(dvRss), mailplus: mib(mpRss) },
      },
      loadTimeMs: Object.fromEntries(Object.entries(load.timeMs).map(([k, v]) => [k, round(v, 0)])),
      loadCalls: load.calls,
      loadRoundMs: load.rounds.map((r) => round(r.ms, 0)),
    };

    // 4. Live sync: edits in Dataverse spread over time while koppel runs a round every poll interval.
    if (!opts['skip-live']) {
      note(`  live: ${edits} Dataverse edits over ${liveMs / 1000} s, poll interval ${pollMs} ms…`);
      await Promise.all([dv('reset'), mp('reset')]);
      const liveStartedAt = Date.now();
      await koppel('liveStart', { intervalMs: pollMs });
      const made: { id: string; at: number; value: string }[] = [];
      const t0 = Date.now();
      for (let i = 0; i < edits; i++) {
        const due = t0 + (i * liveMs) / edits;
        if (due > Date.now()) await sleep(due - Date.now());
        const value = `Bench${run}x${i}`;
        const { id, at } = await dv<{ id: string; at: number }>('edit', { index: i, of: edits, value });
        made.push({ id, at, value });
      }
      const arrivals = new Map<number, number>();
      const deadline = Date.now() + Math.max(30_000, 10 * pollMs);
      while (arrivals.size < made.length && Date.now() < deadline) {
        const seen = await mp<({ firstName?: unknown; lastChanged: number } | null)[]>(
          'probe',
          made.map((e) => e.id),
        );
        seen.forEach((c, i) => {
          if (c && c.firstName === made[i]!.value && !arrivals.has(i)) arrivals.set(i, c.lastChanged);
        });
        if (arrivals.size < made.length) await sleep(250);
      }
      const phase = await koppel<PhaseFigures>('liveStop');
      const [d, m] = await Promise.all([dv<CallCounts>('counts'), mp<CallCounts>('counts')]);
      const latencies = [...arrivals].map(([i, lastChanged]) => lastChanged - made[i]!.at);
      const early = [...arrivals]
        .filter(([i]) => made[i]!.at - loadEndedAt < overlapMs)
        .map(([i, lastChanged]) => lastChanged - made[i]!.at);
      const n = phase.rounds.length;
      figures.live = {
        pollIntervalMs: pollMs,
        edits: made.length,
        arrived: arrivals.size,
        latencyMs: {
          p50: round(percentile(latencies, 50), 0),
          p95: round(percentile(latencies, 95), 0),
          max: round(Math.max(...latencies), 0),
          min: round(Math.min(...latencies), 0),
        },
        firstOverlapLatencyMs:
          early.length > 0
            ? { edits: early.length, p95: round(percentile(early, 95), 0), max: round(Math.max(...early), 0) }
            : null,
        startedAfterLoadMs: liveStartedAt - loadEndedAt,
        feedCalls: sum(m, isFeed),
        rounds: n,
        roundMs: {
          p50: round(median(phase.rounds.map((r) => r.ms)), 0),
          max: round(Math.max(...phase.rounds.map((r) => r.ms)), 0),
        },
        callsPerRound: { dataverse: round(d.total / n, 2), mailplus: round(m.total / n, 2) },
        calls: { dataverse: d, mailplus: m },
      };
      note(
        `  live: ${arrivals.size}/${made.length} arrived; p50 ${figures.live.latencyMs.p50} ms, ` +
          `p95 ${figures.live.latencyMs.p95} ms`,
      );
    }
    // 3. Idle rounds: nothing changed, and the last write is older than the head window plus the
    // feed's lag. A round may also recheck the slice that just became overlap-old (every 10 s).
    await sleep(Math.min(overlapMs, 10_000) + lagMs + 500);
    for (let i = 0; i < 5; i++) {
      await Promise.all([dv('reset'), mp('reset')]);
      await koppel<PhaseFigures>('rounds', { n: 1, gapMs: i === 0 ? 0 : pollMs });
      const [d, m] = await Promise.all([dv<CallCounts>('counts'), mp<CallCounts>('counts')]);
      idle.push({ dataverse: d.total, mailplus: m.total, routes: { dataverse: d, mailplus: m } });
    }
    note(
      `  idle rounds: Dataverse ${idle.map((i) => i.dataverse).join(', ')} call(s), ` +
        `Mail+ ${idle.map((i) => i.mailplus).join(', ')} call(s)`,
    );

    // 5. The bare reference pipeline, last (its writes must not show in koppel's feed while it is measured).
    if (!opts['skip-reference']) {
      note('  reference pipeline (same pages, same bulk writes, no queue/state/hashing)…');
      const ref = await koppel<NonNullable<RunFigures['reference']>>('reference');
      figures.reference = {
        ...ref,
        wallMs: round(ref.wallMs, 0),
        contactsPerSec: round(ref.contactsPerSec, 0),
      };
      figures.ratioToReference = round(figures.contactsPerSec / ref.contactsPerSec, 3);
      note(
        `  reference: ${fmt(ref.contacts)} contacts in ${(ref.wallMs / 1000).toFixed(1)} s = ` +
          `${fmt(ref.contactsPerSec)}/s; koppel ${figures.ratioToReference} x`,
      );
    }
    const exited = new Promise((resolve) => workerChild.once('exit', resolve));
    await koppel('close');
    await exited;
    return figures;
  } finally {
    cleanup();
    dirs.delete(dataDir);
    rmSync(dataDir, { recursive: true, force: true });
  }
}

interface Target {
  name: string;
  target: string;
  value: string;
  pass: boolean;
}

function targets(f: RunFigures): Target[] {
  const out: Target[] = [];
  const add = (name: string, target: string, value: string, pass: boolean) =>
    out.push({ name, target, value, pass });
  add(
    'throughput (absolute; set on another machine, see the ratio)',
    `>= ${fmt(RATE_TARGET)} contacts/s`,
    `${fmt(f.contactsPerSec)} contacts/s`,
    f.contactsPerSec >= RATE_TARGET,
  );
  const dvCalls = f.dataverse.load.total;
  add(
    'Dataverse calls for the load',
    `<= ${CALLS_FACTOR} x ${f.dataverse.minimum} pages`,
    `${dvCalls} (${round(dvCalls / f.dataverse.minimum, 2)} x)`,
    dvCalls <= CALLS_FACTOR * f.dataverse.minimum,
  );
  const mpWrites = f.mailplus.writes;
  add(
    'Mail+ bulk writes for the load',
    `<= ${CALLS_FACTOR} x ${f.mailplus.minimumWrites}`,
    `${mpWrites} (${round(mpWrites / f.mailplus.minimumWrites, 2)} x)`,
    mpWrites <= CALLS_FACTOR * f.mailplus.minimumWrites,
  );
  const mpAll = f.mailplus.load.total + f.mailplus.settle.total;
  add(
    'Mail+ calls for the load incl. reading back its echoes',
    `<= ${CALLS_FACTOR} x ${f.mailplus.minimumWrites}`,
    `${mpAll} (${round(mpAll / f.mailplus.minimumWrites, 2)} x)`,
    mpAll <= CALLS_FACTOR * f.mailplus.minimumWrites,
  );
  const mpIdle = f.idle.map((i) => i.mailplus);
  add(
    'idle rounds',
    '1 call per side (Mail+: +1 for a recheck, at most every 10 s)',
    `Dataverse ${f.idle.map((i) => i.dataverse).join(', ')}; Mail+ ${mpIdle.join(', ')}`,
    f.idle.every((i) => i.dataverse === 1) && mpIdle.every((n) => n <= 2) && median(mpIdle) === 1,
  );
  if (f.ratioToReference !== undefined)
    add(
      'throughput as a ratio to the bare reference pipeline',
      `>= ${RATIO_TARGET} x`,
      `${f.ratioToReference} x (koppel ${fmt(f.contactsPerSec)}/s, reference ${fmt(f.reference!.contactsPerSec)}/s)`,
      f.ratioToReference >= RATIO_TARGET,
    );
  add(
    'peak RSS of koppel',
    `<= ${RSS_LIMIT_MIB} MiB`,
    `${f.memory.peakRssMiB} MiB`,
    f.memory.peakRssMiB <= RSS_LIMIT_MIB,
  );
  if (f.live) {
    const limit = f.live.pollIntervalMs + 2000;
    add(
      'live latency p95',
      `<= poll interval + 2 s = ${fmt(limit)} ms`,
      `${fmt(f.live.latencyMs.p95)} ms (${f.live.arrived}/${f.live.edits} arrived)`,
      f.live.latencyMs.p95 <= limit && f.live.arrived === f.live.edits,
    );
  }
  return out;
}

function report(f: RunFigures, all: RunFigures[]): void {
  const spread = (pick: (r: RunFigures) => number, unit = '') =>
    all.length > 1 ? ` (runs: ${all.map((r) => `${fmt(pick(r))}${unit}`).join(', ')})` : '';
  const mpFeed = f.mailplus.feedReadsDuringLoad + f.mailplus.feedReadsAfterLoad;
  const lines = [
    '',
    `== Mail+ feed overlap ${fmt(f.mailplusOverlapMs)} ms ==`,
    `Initial load Dataverse -> Mail+: ${fmt(f.inMailplus)} contacts in ${(f.loadWallMs / 1000).toFixed(1)} s = ` +
      `${fmt(f.contactsPerSec)} contacts/s${spread((r) => r.contactsPerSec)}; ${f.loadRounds} round(s)`,
    `  Dataverse calls: ${f.dataverse.load.total} (minimum ${f.dataverse.minimum} pages of ${DV_PAGE}) ` +
      `${JSON.stringify(f.dataverse.load.byRoute)}`,
    `  Mail+ calls:     ${f.mailplus.load.total} during the load: ${f.mailplus.writes} bulk writes (minimum ` +
      `${f.mailplus.minimumWrites} of ${MP_BULK}) + ${f.mailplus.feedReadsDuringLoad} updates-feed reads`,
    `  Mail+ echoes:    the updates feed returned koppel's own writes: ${mpFeed} feed reads in all ` +
      `(${f.mailplus.feedReadsDuringLoad} during, ${f.mailplus.feedReadsAfterLoad} in the ${f.settleRounds.length} rounds after; ` +
      `page size ${f.mailplus.feedPageSizes.join(', ')}), i.e. +${round((mpFeed / f.mailplus.minimumWrites) * 100, 0)} % on the writes`,
    `  peak RSS of koppel: ${f.memory.peakRssMiB} MiB${spread((r) => r.memory.peakRssMiB, ' MiB')} ` +
      `(after setup ${f.memory.baselineRssMiB} MiB; at the peak ${JSON.stringify(f.memory.atPeakMiB)}; ` +
      `heap used after the load ${f.memory.heapUsedAfterLoadMiB} MiB; ` +
      `emulators: Dataverse ${f.memory.emulatorsRssMiB.dataverse} MiB, Mail+ ${f.memory.emulatorsRssMiB.mailplus} MiB)`,
    `  time inside calls during the load (ms): ${JSON.stringify(f.loadTimeMs)}`,
    ...(f.reference
      ? [
          `Reference pipeline (same pages and bulk writes, no queue/state/hashing): ${fmt(f.reference.contacts)} ` +
            `contacts in ${(f.reference.wallMs / 1000).toFixed(1)} s = ${fmt(f.reference.contactsPerSec)}/s; ` +
            `ratioToReference ${f.ratioToReference} x${spread((r) => (r.ratioToReference ?? 0) * 100, ' %')}`,
        ]
      : []),
    `Idle rounds (no changes): Dataverse ${f.idle.map((i) => i.dataverse).join(', ')} call(s), Mail+ ` +
      `${f.idle.map((i) => i.mailplus).join(', ')} call(s) (${f.idle.length} rounds)`,
  ];
  if (f.live) {
    const l = f.live;
    lines.push(
      `Live sync: ${l.arrived}/${l.edits} Dataverse edits arrived in Mail+; latency p50 ${fmt(l.latencyMs.p50)} ms, ` +
        `p95 ${fmt(l.latencyMs.p95)} ms${spread((r) => r.live?.latencyMs.p95 ?? 0, ' ms')}, max ${fmt(l.latencyMs.max)} ms ` +
        `(poll interval ${fmt(l.pollIntervalMs)} ms after each round; ${l.rounds} rounds, round p50 ${l.roundMs.p50} ms; ` +
        `calls per round: Dataverse ${l.callsPerRound.dataverse}, Mail+ ${l.callsPerRound.mailplus}; ` +
        `started ${fmt(l.startedAfterLoadMs)} ms after the load, ${l.feedCalls} feed reads)`,
      l.firstOverlapLatencyMs
        ? `  edits in the first overlap after the load (${l.firstOverlapLatencyMs.edits}): p95 ` +
            `${fmt(l.firstOverlapLatencyMs.p95)} ms, max ${fmt(l.firstOverlapLatencyMs.max)} ms`
        : '  no edit fell in the first overlap after the load',
    );
  }
  lines.push('', 'Targets:');
  for (const t of targets(f))
    lines.push(`  ${t.pass ? 'PASS ' : 'BELOW'}  ${t.name}: ${t.value}  [target ${t.target}]`);
  note(lines.join('\n'));
}

async function main(): Promise<void> {
  const machine = describeMachine();
  note(
    `koppel sync benchmark: initial load of ${fmt(contacts)} contacts Dataverse -> Mail+ on the emulators, ` +
      `idle round, live latency` +
      (runs > 1 ? `; median of ${runs} runs` : ''),
  );
  note(`machine: ${machine.cpus} x ${machine.cpuModel}, ${machine.memoryGiB} GiB, Node ${machine.node}`);
  const byOverlap: { chosen: RunFigures; all: RunFigures[] }[] = [];
  for (const overlapMs of overlaps) {
    const all: RunFigures[] = [];
    for (let r = 1; r <= runs; r++) all.push(await runOnce(r, overlapMs));
    const rates = all.map((f) => f.contactsPerSec);
    byOverlap.push({ all, chosen: all.find((f) => f.contactsPerSec === median(rates))! });
  }
  for (const { chosen, all } of byOverlap) report(chosen, all);
  if (opts.json) {
    const summary = ({ chosen, all }: { chosen: RunFigures; all: RunFigures[] }) => ({
      ...chosen,
      targets: targets(chosen),
      runs: all.map((f) => ({
        contactsPerSec: round(f.contactsPerSec, 0),
        ratioToReference: f.ratioToReference ?? null,
        loadWallMs: round(f.loadWallMs, 0),
        peakRssMiB: f.memory.peakRssMiB,
        latencyP95Ms: f.live?.latencyMs.p95 ?? null,
      })),
    });
    process.stdout.write(
      `${JSON.stringify({
        benchmark:
          'koppel sync: initial load Dataverse -> Mail+, live latency after it, idle rounds, reference',
        machine,
        options: {
          contacts,
          runs,
          pollIntervalMs: pollMs,
          edits,
          liveSeconds: liveMs / 1000,
          mailplusOverlapsMs: overlaps,
          mailplusUpdatesLagMs: lagMs,
          koppelRunsUnder: opts.tsx ? 'tsx' : 'node (esbuild bundle)',
          koppelNodeFlags: opts['node-flags'],
          mailplusFeedPageSize: opts['feed-page-size'] ?? 'adaptive (5000 first)',
        },
        // The first overlap's figures at the top level (the production default unless told otherwise).
        ...summary(byOverlap[0]!),
        byOverlap: byOverlap.map(summary),
      })}\n`,
    );
  }
}

await main();
