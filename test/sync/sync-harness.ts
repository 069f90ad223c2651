import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import type { AppOptions } from '../../src/app.js';
import { ManualClock } from '../../src/clock.js';
import {
  type DataverseEmulator,
  type DataverseEmulatorOptions,
  startDataverseEmulator,
} from '../../src/emulators/dataverse/emulator.js';
import {
  type MailplusEmulator,
  type MailplusEmulatorOptions,
  startMailplusEmulator,
} from '../../src/emulators/mailplus/index.js';
import type { FaultRates } from '../../src/emulators/shared/faults.js';
import { createLogger } from '../../src/log/logger.js';
import type { SyncContext } from '../../src/sync/sync-context.js';
import type { SyncEngine } from '../../src/sync/sync-engine.js';
import { findPersonalData, personalDataOf } from '../helpers/pii-scan.js';
import { type Backend, createTestApp, type TestApp } from '../helpers/stores.js';

export const TENANT = 'acme';

export interface SyncHarness {
  t: TestApp;
  /** The one clock of the app, the engine and both emulators. */
  clock: ManualClock;
  dataverse: DataverseEmulator;
  mailplus: MailplusEmulator;
  engine: SyncEngine;
  /** The engine's context for the tenant (a fresh one after useDefinition). */
  ctx: SyncContext;
  /** One sync round; returns the round's result. */
  round(): ReturnType<SyncEngine['round']>;
  /** Rounds until nothing moves any more (at most `max`). */
  settle(max?: number): Promise<void>;
  /** Stores the tenant's sync definition; the engine starts afresh so the next round (and ctx) use it. */
  useDefinition(input: unknown): Promise<void>;
  /** The engine's log lines so far (JSON). */
  logs(): string[];
  close(): Promise<void>;
}

/**
 * koppel on a fresh store, wired to fresh emulators over real HTTPS, with one tenant. Time is one
 * ManualClock shared by the app, the engine and both emulators: a retry or Retry-After wait inside a
 * round passes at once (the clock moves to its end by itself), and `settle` moves the clock past the
 * backoff of messages that wait for it. Nothing sleeps on the wall clock.
 */
export type HarnessOptions = {
  contacts?: number;
  backend?: Backend;
  faults?: FaultRates;
  /** The largest updates-feed page the Mail+ emulator serves (its default otherwise). */
  mailplusMaxPageSize?: number;
  /** Passed on to the emulators (after the harness's own settings) and to the engine. */
  dataverseOptions?: Partial<DataverseEmulatorOptions>;
  mailplusOptions?: Partial<MailplusEmulatorOptions>;
  /** The shared clock, when the test needs it before the harness starts; default one at the wall time. */
  clock?: ManualClock;
  /** App options, e.g. { mailplusOverlapMs } (the harness's default overlap is 2 s). */
  appOptions?: AppOptions;
  /** More tenant settings (`koppel tenant set` fields), e.g. { 'mailplus.requestTimeoutSeconds': 1 }. */
  settings?: Record<string, unknown>;
};

/** Waits up to this long inside a round pass at once: connector retries, Retry-After, throttling. */
const AUTO_ADVANCE_MS = 5_000;
const ROUND_GAP_MS = 500;

export async function startSyncHarness(options: HarnessOptions = {}): Promise<SyncHarness> {
  const logLines: string[] = [];
  // Started at the wall clock's time: tokens and certificates the emulators issue must look current.
  const clock = options.clock ?? new ManualClock(Date.now(), { autoAdvanceUpToMs: AUTO_ADVANCE_MS });
  const dataverse = await startDataverseEmulator({
    seedContacts: options.contacts ?? 20,
    randomSeed: 11,
    clock,
    ...options.dataverseOptions,
  });
  const mailplus = await startMailplusEmulator({
    randomSeed: 11,
    updatesLagMs: 0,
    maxUpdatesPageSize: options.mailplusMaxPageSize,
    clock,
    ...options.mailplusOptions,
  });
  const t = await createTestApp(
    options.backend ?? 'sqlite',
    { queue: { backoffBaseMs: 100, backoffMaxMs: 1_000 } },
    {
      clock,
      // Every end-to-end test logs at debug level; close() checks that output for personal data.
      log: createLogger('debug', logStreamOf(logLines)),
      mailplusOverlapMs: 2_000,
      mailplusFrom: clock.now() - 1_000,
      ...options.appOptions,
    },
  );
  writeFileSync(join(t.dataDir, 'dv.pem'), dataverse.caCertificate);
  writeFileSync(join(t.dataDir, 'mp.pem'), mailplus.caCertificate!);
  await t.app.tenants.add(TENANT, 'Acme BV');
  await t.app.tenants.updateSettings(TENANT, {
    'dataverse.baseUrl': dataverse.baseUrl,
    'dataverse.authority': dataverse.authority,
    'dataverse.clientId': dataverse.clientId,
    'dataverse.clientSecret': dataverse.clientSecret,
    'dataverse.caFile': join(t.dataDir, 'dv.pem'),
    'mailplus.baseUrl': mailplus.baseUrl,
    'mailplus.consumerKey': mailplus.consumerKey,
    'mailplus.consumerSecret': mailplus.consumerSecret,
    'mailplus.caFile': join(t.dataDir, 'mp.pem'),
    ...options.settings,
  });
  if (options.faults) {
    dataverse.admin.setFaults(options.faults);
    mailplus.admin.setFaults(options.faults);
  }
  const { engine } = t.app;
  const ctx = await engine.context(TENANT);
  // Time passes around each round, as between the rounds of a running koppel: a change made after a
  // round is stamped later than koppel's writes in it (the Mail+ feed tells them apart by stamp).
  const round = async () => {
    clock.advance(ROUND_GAP_MS);
    try {
      return await engine.round(TENANT);
    } finally {
      clock.advance(ROUND_GAP_MS);
    }
  };
  const harness: SyncHarness = {
    t,
    clock,
    dataverse,
    mailplus,
    engine,
    ctx,
    round,
    settle: async (max = 60) => {
      for (let i = 0; i < max; i++) {
        const r = await round();
        const pending = await pendingMessages(t);
        if (r.deliveredToDataverse + r.deliveredToMailplus === 0 && pending === 0) return;
        // Only messages waiting for their backoff or Retry-After are left: move past it.
        if (r.deliveredToDataverse + r.deliveredToMailplus === 0) clock.advance(1_000);
      }
      throw new Error(`the sync did not settle in ${max} rounds`);
    },
    useDefinition: async (input) => {
      await t.app.definitions.save(TENANT, input);
      // The engine built its mapper before the definition was stored: start it afresh.
      await engine.close();
      harness.ctx = await engine.context(TENANT);
    },
    logs: () => [...logLines],
    close: async () => {
      await engine.close();
      // The processor's promise: logs, the database (with its WAL) and the queue hold no personal data.
      // At most 100 people, spread over all: each searched string costs a pass over every file.
      const rows = dataverse.admin.listContacts();
      const step = Math.max(1, Math.floor(rows.length / 100));
      const seeded = personalDataOf(rows.filter((_, i) => i % step === 0));
      const hits = findPersonalData(t.dataDir, seeded, { 'engine log': logLines.join('') });
      await t.close();
      await dataverse.close();
      await mailplus.close();
      if (hits.length > 0) throw new Error(`personal data in the clear: ${hits.join('; ')}`);
    },
  };
  return harness;
}

/**
 * The Mail+ properties of `id` that still hold something: a value, or a set with an entry switched on.
 * An anonymized contact has none.
 */
export function propertiesHoldingData(h: SyncHarness, id: string): string[] {
  const properties = h.mailplus.admin.contact(id)?.properties ?? {};
  return Object.entries(properties)
    .filter(([, value]) =>
      Array.isArray(value)
        ? value.some((entry) => (entry as { enabled?: boolean }).enabled)
        : value !== null && value !== undefined && value !== '',
    )
    .map(([name]) => name);
}

/** Whether permission `bit` is on for `id` in the Mail+ emulator (undefined: no such contact or bit). */
export function permission(h: SyncHarness, id: string, bit: number): boolean | undefined {
  const permissions = h.mailplus.admin.contact(id)?.properties?.permissions as
    | Array<{ bit: number; enabled: boolean }>
    | undefined;
  return permissions?.find((p) => p.bit === bit)?.enabled;
}

/** Runs `test` on a fresh harness and closes it (with its personal-data check) whatever happens. */
export async function withSyncHarness(
  options: HarnessOptions,
  test: (h: SyncHarness) => Promise<void>,
): Promise<void> {
  const h = await startSyncHarness(options);
  try {
    await test(h);
  } finally {
    await h.close();
  }
}

/** Messages not yet settled (ready, scheduled or in flight), in one queue or in all. */
export async function pendingMessages(t: TestApp, queue?: string): Promise<number> {
  const stats = await t.app.queue.stats();
  return stats
    .filter((s) => queue === undefined || s.queue === queue)
    .reduce((n, s) => n + s.ready + s.scheduled + s.inFlight, 0);
}

function logStreamOf(lines: string[]): Writable {
  return new Writable({
    write(chunk, _encoding, done) {
      lines.push(String(chunk));
      done();
    },
  });
}
