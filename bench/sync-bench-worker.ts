// koppel under measurement for bench/sync-bench.ts: createApp + one tenant + SyncEngine, as the demo
// wires them, in a process of its own (the emulators run in other processes). Driven over IPC.
// Every call koppel makes into its queue, contact state, checkpoints and both APIs is timed through a
// wrapper around the tenant's SyncContext (no change to src/), so each phase reports where time goes.
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { writeHeapSnapshot } from 'node:v8';
import { type App, createApp } from '../src/app.js';
import { systemClock } from '../src/clock.js';
import { loadConfig } from '../src/config/load-config.js';
import { OrgThrottleRegistry } from '../src/connectors/dynamics/org-throttle.js';
import { MailplusConnector, MailplusPort } from '../src/connectors/mailplus/index.js';
import { createLogger } from '../src/log/logger.js';
import type { SyncContext } from '../src/sync/sync-context.js';
import type { SyncEngine } from '../src/sync/sync-engine.js';
import type { RoundResult } from '../src/sync/tenant-sync.js';
import { mailplusClientFor } from '../src/tenants/connect.js';
import { referencePipeline } from './lib/reference-pipeline.js';
import { serve } from './lib/rpc.js';
import type { EmulatorInfo } from './sync-bench-emulator.js';

export const TENANT = 'bench';

export interface SetupArg {
  dataverse: EmulatorInfo;
  mailplus: EmulatorInfo;
  mailplusOverlapMs: number;
  /** What-if: a fixed Mail+ updates-feed page size (koppel's client asks 5000, smaller if refused). */
  feedPageSize?: number;
}

export interface RoundFigures extends RoundResult {
  ms: number;
}

export interface PhaseFigures {
  wallMs: number;
  rounds: RoundFigures[];
  /** Milliseconds spent inside each wrapped call (nested calls are counted in both). */
  timeMs: Record<string, number>;
  calls: Record<string, number>;
  stats: Record<string, number | boolean | string | null>;
  maxRssBytes: number;
  heapUsedBytes: number;
  /** process.memoryUsage() at the largest RSS sampled (every 50 ms) during the phase. */
  atPeak: NodeJS.MemoryUsage;
}

let app: App | undefined;
let engine: SyncEngine | undefined;
let ctx: SyncContext | undefined;
const timeMs: Record<string, number> = {};
const calls: Record<string, number> = {};

function count(name: string, ms: number): void {
  timeMs[name] = (timeMs[name] ?? 0) + ms;
  calls[name] = (calls[name] ?? 0) + 1;
}

/** Times every method of `target` that returns a promise. */
function timed<T extends object>(target: T, prefix: string): T {
  return new Proxy(target, {
    get(obj, key) {
      const value = Reflect.get(obj, key, obj);
      if (typeof value !== 'function' || typeof key !== 'string') return value;
      return (...args: unknown[]) => {
        const t0 = performance.now();
        const out = value.apply(obj, args);
        if (out && typeof (out as Promise<unknown>).then === 'function')
          return (out as Promise<unknown>).finally(() => count(`${prefix}.${key}`, performance.now() - t0));
        return out;
      };
    },
  });
}

/** Times each page fetch (each `next()`) of an async iterable, keeping its other members. */
function timedIterable<T extends object>(iterable: T, name: string): T {
  return new Proxy(iterable, {
    get(obj, key) {
      if (key !== Symbol.asyncIterator) return Reflect.get(obj, key, obj);
      return () => {
        const it = (obj as AsyncIterable<unknown>)[Symbol.asyncIterator]();
        return {
          next: async () => {
            const t0 = performance.now();
            try {
              return await it.next();
            } finally {
              count(name, performance.now() - t0);
            }
          },
          return: async (v?: unknown) => (it.return ? it.return(v) : { done: true, value: v }),
        };
      };
    },
  });
}

function instrument(c: SyncContext): void {
  c.queue = timed(c.queue, 'queue');
  const states = c.states;
  // By batch size, to tell the poller's pages (5000), the feed's chunks (200) and the deliverers' (100).
  c.states = new Proxy(states, {
    get(obj, key) {
      if (key !== 'update') {
        // Bound, so methods that use private fields still see the real object as `this`.
        const value = Reflect.get(obj, key, obj);
        return typeof value === 'function' ? value.bind(obj) : value;
      }
      return async (...args: Parameters<typeof states.update>) => {
        const n = new Set(args[1]).size;
        const label =
          n > 200
            ? 'states.update >200 ids'
            : n > 100
              ? 'states.update 101-200 ids'
              : 'states.update <=100 ids';
        const t0 = performance.now();
        try {
          return await obj.update(...args);
        } finally {
          count(label, performance.now() - t0);
        }
      };
    },
  });
  c.checkpoints = timed(c.checkpoints, 'checkpoints');
  const dv = c.dataverse;
  c.dataverse = new Proxy(dv, {
    get(obj, key) {
      if (key === 'changes')
        return (o: Parameters<typeof dv.changes>[0]) =>
          timedIterable(obj.changes(o), 'dataverse.changes page');
      if (key === 'updateMany')
        return async (...args: Parameters<typeof dv.updateMany>) => {
          const t0 = performance.now();
          try {
            return await obj.updateMany(...args);
          } finally {
            count('dataverse.batch', performance.now() - t0);
          }
        };
      return Reflect.get(obj, key, obj);
    },
  });
  const mp = c.mailplus;
  c.mailplus = new Proxy(mp, {
    get(obj, key) {
      if (key === 'readChanges')
        return (cp: Parameters<typeof mp.readChanges>[0]) =>
          timedIterable(obj.readChanges(cp), 'mailplus.feed next contact');
      const value = Reflect.get(obj, key, obj);
      if (key === 'upsertBatch' || key === 'anonymize')
        return async (...args: unknown[]) => {
          const t0 = performance.now();
          try {
            return await (value as (...a: unknown[]) => Promise<unknown>).apply(obj, args);
          } finally {
            count(`mailplus.${key}`, performance.now() - t0);
          }
        };
      return typeof value === 'function' ? value.bind(obj) : value;
    },
  });
}

/** The memory breakdown at the highest RSS seen, sampled every 50 ms (when the event loop lets it). */
let atPeak: NodeJS.MemoryUsage = process.memoryUsage();
setInterval(() => {
  const now = process.memoryUsage();
  if (now.rss > atPeak.rss) atPeak = now;
}, 50).unref();

function resetTimers(): void {
  atPeak = process.memoryUsage();
  for (const k of Object.keys(timeMs)) delete timeMs[k];
  for (const k of Object.keys(calls)) delete calls[k];
}

async function round(): Promise<RoundFigures> {
  const t0 = performance.now();
  const result = await engine!.round(TENANT);
  return { ...result, ms: performance.now() - t0 };
}

async function pending(): Promise<number> {
  const stats = await app!.queue.stats();
  return stats.reduce((n, s) => n + s.ready + s.scheduled + s.inFlight, 0);
}

function phase(t0: number, rounds: RoundFigures[]): PhaseFigures {
  return {
    wallMs: performance.now() - t0,
    rounds,
    timeMs: { ...timeMs },
    calls: { ...calls },
    stats: ctx!.stats.snapshot(),
    maxRssBytes: process.resourceUsage().maxRSS * 1024,
    heapUsedBytes: process.memoryUsage().heapUsed,
    atPeak,
  };
}

/** A V8 CPU profile of the load phase only (the inspector's Profiler, as --cpu-prof uses). */
async function startProfile(): Promise<Session> {
  const session = new Session();
  session.connect();
  const post = (method: string, params?: object) =>
    new Promise<unknown>((resolve, reject) =>
      session.post(method, params, (e, r) => (e ? reject(e) : resolve(r))),
    );
  await post('Profiler.enable');
  await post('Profiler.setSamplingInterval', { interval: 1000 });
  await post('Profiler.start');
  return session;
}

async function stopProfile(session: Session, file: string): Promise<void> {
  const { profile } = await new Promise<{ profile: unknown }>((resolve, reject) =>
    session.post('Profiler.stop', (e, r) => (e ? reject(e) : resolve(r as { profile: unknown }))),
  );
  writeFileSync(file, JSON.stringify(profile));
  session.disconnect();
}

let live: { stop: boolean; done: Promise<PhaseFigures> } | undefined;

serve({
  setup: async (arg: SetupArg) => {
    const env = process.env;
    const config = loadConfig({ env });
    writeFileSync(join(config.dataDir, 'dv.pem'), arg.dataverse.caCertificate);
    writeFileSync(join(config.dataDir, 'mp.pem'), arg.mailplus.caCertificate);
    app = await createApp(config, {
      env,
      log: createLogger('silent'),
      mailplusOverlapMs: arg.mailplusOverlapMs,
      mailplusFrom: systemClock.now() - 1_000,
    });
    engine = app.engine;
    await app.tenants.add(TENANT, 'Bench BV');
    await app.tenants.updateSettings(TENANT, {
      'dataverse.baseUrl': arg.dataverse.baseUrl,
      'dataverse.authority': arg.dataverse.authority!,
      'dataverse.clientId': arg.dataverse.clientId!,
      'dataverse.clientSecret': arg.dataverse.clientSecret!,
      'dataverse.caFile': join(config.dataDir, 'dv.pem'),
      'mailplus.baseUrl': arg.mailplus.baseUrl,
      'mailplus.consumerKey': arg.mailplus.consumerKey!,
      'mailplus.consumerSecret': arg.mailplus.consumerSecret!,
      'mailplus.caFile': join(config.dataDir, 'mp.pem'),
    });
    ctx = await engine.context(TENANT);
    if (arg.feedPageSize) {
      // What-if only: the same connector, built with another feed page size (src/ is not changed).
      const settings = await app.tenants.settings(TENANT);
      const deps = { throttles: new OrgThrottleRegistry(systemClock), clock: systemClock };
      const client = mailplusClientFor(settings.mailplus, deps);
      const connector = new MailplusConnector(client, {
        overlapMs: arg.mailplusOverlapMs,
        clock: systemClock,
        pageSize: arg.feedPageSize,
      });
      ctx.mailplus = new MailplusPort(connector, client);
    }
    instrument(ctx);
    return { rssBytes: process.memoryUsage().rss, store: app.store.dialect };
  },
  /** The initial load: rounds until nothing is left to deliver to Mail+. */
  load: async ({ profileDir }: { profileDir?: string }) => {
    const session = profileDir ? await startProfile() : undefined;
    resetTimers();
    const t0 = performance.now();
    const rounds: RoundFigures[] = [];
    do rounds.push(await round());
    while ((await pending()) > 0 && rounds.length < 10_000);
    const figures = phase(t0, rounds);
    if (session) await stopProfile(session, join(profileDir!, `sync-bench-load-${process.pid}.cpuprofile`));
    return figures;
  },
  /** `n` rounds, `gapMs` apart (the first after `gapMs` too). */
  rounds: async ({ n, gapMs }: { n: number; gapMs: number }) => {
    resetTimers();
    const t0 = performance.now();
    const rounds: RoundFigures[] = [];
    for (let i = 0; i < n; i++) {
      await sleep(gapMs);
      rounds.push(await round());
    }
    return phase(t0, rounds);
  },
  /** Live sync as `koppel start` runs it: a round, then the poll interval, until `liveStop`. */
  liveStart: ({ intervalMs }: { intervalMs: number }) => {
    resetTimers();
    const t0 = performance.now();
    const state = { stop: false, done: Promise.resolve(undefined as unknown as PhaseFigures) };
    state.done = (async () => {
      const rounds: RoundFigures[] = [];
      while (!state.stop) {
        rounds.push(await round());
        if (!state.stop) await sleep(intervalMs);
      }
      return phase(t0, rounds);
    })();
    live = state;
  },
  liveStop: async () => {
    live!.stop = true;
    return live!.done;
  },
  /** The bare reference pipeline (bench/lib/reference-pipeline.ts) on the same emulators. */
  reference: () => referencePipeline(ctx!),
  /** process.memoryUsage() now, after a full GC when exposed. */
  memory: () => process.memoryUsage(),
  heapSnapshot: (dir: string) => writeHeapSnapshot(join(dir, `sync-bench-${process.pid}.heapsnapshot`)),
  /** Closes koppel and exits cleanly (so --cpu-prof writes its profile). */
  close: async () => {
    await engine?.close();
    await app?.close();
    setImmediate(() => process.exit(0));
  },
});
process.send!({ ready: true });
