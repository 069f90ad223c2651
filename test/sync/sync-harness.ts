import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { systemClock } from '../../src/clock.js';
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
import { mapperForTenant, saveDefinitionForTenant } from '../../src/sync/mapper-for-tenant.js';
import type { SyncContext } from '../../src/sync/sync-context.js';
import { SyncEngine, type SyncEngineOptions } from '../../src/sync/sync-engine.js';
import { findPersonalData, personalDataOf } from '../helpers/pii-scan.js';
import { type Backend, createTestApp, type TestApp } from '../helpers/stores.js';

export const TENANT = 'acme';

export interface SyncHarness {
  t: TestApp;
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
 * koppel on a fresh store, wired to fresh emulators over real HTTPS, with one tenant. Time is real:
 * the emulators stamp changes with the wall clock, so the Mail+ feed lag is set to 0 and the overlap
 * kept short.
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
  engineOptions?: Partial<SyncEngineOptions>;
  /** More tenant settings (`koppel tenant set` fields), e.g. { 'mailplus.requestTimeoutSeconds': 1 }. */
  settings?: Record<string, unknown>;
};

export async function startSyncHarness(options: HarnessOptions = {}): Promise<SyncHarness> {
  const dataverse = await startDataverseEmulator({
    seedContacts: options.contacts ?? 20,
    randomSeed: 11,
    ...options.dataverseOptions,
  });
  const mailplus = await startMailplusEmulator({
    randomSeed: 11,
    updatesLagMs: 0,
    maxUpdatesPageSize: options.mailplusMaxPageSize,
    ...options.mailplusOptions,
  });
  // Short backoff: messages abandoned after an injected fault come back quickly in real time.
  const t = await createTestApp(
    options.backend ?? 'sqlite',
    { queue: { backoffBaseMs: 100, backoffMaxMs: 1_000 } },
    { clock: systemClock },
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
  const logLines: string[] = [];
  const logStream = new Writable({
    write(chunk, _encoding, done) {
      logLines.push(String(chunk));
      done();
    },
  });
  const engine = new SyncEngine(t.app, {
    clock: systemClock,
    // Every end-to-end test logs at debug level; close() checks that output for personal data.
    log: createLogger('debug', logStream),
    mapperFor: (tenantId) => mapperForTenant(t.app, tenantId),
    mailplusOverlapMs: 2_000,
    mailplusFrom: Date.now() - 1_000,
    ...options.engineOptions,
  });
  const ctx = await engine.context(TENANT);
  const round = () => engine.round(TENANT);
  const harness: SyncHarness = {
    t,
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
        // Only messages waiting for their backoff or Retry-After are left: give them time.
        if (r.deliveredToDataverse + r.deliveredToMailplus === 0) await sleep(250);
      }
      throw new Error(`the sync did not settle in ${max} rounds`);
    },
    useDefinition: async (input) => {
      await saveDefinitionForTenant(t.app, TENANT, input);
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
