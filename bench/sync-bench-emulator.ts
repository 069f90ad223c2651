// One emulator for the sync benchmark, in a process of its own so that the contacts it holds never
// count towards koppel's memory. argv: dataverse|mailplus <contacts to seed> [mailplus updates lag ms].
// Driven by bench/sync-bench.ts over IPC: connection details, request counts, edits and probes.
import { startDataverseEmulator } from '../src/emulators/dataverse/emulator.js';
import { startMailplusEmulator } from '../src/emulators/mailplus/index.js';
import { serve } from './lib/rpc.js';

export interface EmulatorInfo {
  kind: 'dataverse' | 'mailplus';
  baseUrl: string;
  caCertificate: string;
  /** Dataverse only. */
  authority?: string;
  clientId?: string;
  clientSecret?: string;
  /** Mail+ only. */
  consumerKey?: string;
  consumerSecret?: string;
  seeded: number;
  seedMs: number;
}

export interface CallCounts {
  total: number;
  byRoute: Record<string, number>;
}

const kind = process.argv[2];
const seed = Number(process.argv[3] ?? 0);
const lagMs = Number(process.argv[4] ?? 2000);
const RANDOM_SEED = 2026;

if (kind === 'dataverse') {
  const emulator = await startDataverseEmulator({ randomSeed: RANDOM_SEED });
  const t0 = performance.now();
  const ids = emulator.admin.seedContacts(seed);
  const seedMs = performance.now() - t0;
  const info: EmulatorInfo = {
    kind,
    baseUrl: emulator.baseUrl,
    caCertificate: emulator.caCertificate,
    authority: emulator.authority,
    clientId: emulator.clientId,
    clientSecret: emulator.clientSecret,
    seeded: ids.length,
    seedMs,
  };
  serve({
    info: () => info,
    counts: (): CallCounts => {
      // The log keeps the last 10,000 requests: plenty for the reads of a 1M load (200 pages).
      const byRoute: Record<string, number> = {};
      for (const e of emulator.admin.requestLog()) {
        const route = `${e.method} ${e.path.replace(/\([^)]*\)/g, '(id)')}`;
        byRoute[route] = (byRoute[route] ?? 0) + 1;
      }
      return { total: emulator.admin.requestCounts().total, byRoute };
    },
    reset: () => emulator.admin.resetRequestLog(),
    /** A CRM user renames contact number `index` (spread over the table); returns when it happened. */
    edit: ({ index, of, value }: { index: number; of: number; value: string }) => {
      const id = ids[Math.floor((index * ids.length) / of)]!;
      emulator.admin.updateContact(id, { firstname: value });
      return { id, at: Date.now() };
    },
    rss: () => process.memoryUsage().rss,
  });
} else if (kind === 'mailplus') {
  const emulator = await startMailplusEmulator({ randomSeed: RANDOM_SEED, updatesLagMs: lagMs });
  const t0 = performance.now();
  emulator.admin.seed(seed);
  const info: EmulatorInfo = {
    kind,
    baseUrl: emulator.baseUrl,
    caCertificate: emulator.caCertificate!,
    consumerKey: emulator.consumerKey,
    consumerSecret: emulator.consumerSecret,
    seeded: seed,
    seedMs: performance.now() - t0,
  };
  serve({
    info: () => info,
    counts: (): CallCounts => {
      const c = emulator.admin.requestCounts();
      return { total: c.total, byRoute: c.byRoute };
    },
    reset: () => emulator.admin.resetRequests(),
    /** The pageSize values koppel asked of the updates feed since the last reset (log of 10,000). */
    feedPageSizes: () => [
      ...new Set(
        emulator.admin
          .requestLog()
          .filter((r) => r.route === 'GET /contact/updates/list')
          .map((r) => Number(r.query.find(([name]) => name === 'pageSize')?.[1])),
      ),
    ],
    size: () => emulator.admin.contacts().length,
    /** firstName and lastChanged of each contact, for telling when an edit arrived. */
    probe: (ids: string[]) =>
      ids.map((id) => {
        const c = emulator.admin.contact(id);
        return c ? { firstName: c.properties.firstName, lastChanged: c.lastChanged } : null;
      }),
    rss: () => process.memoryUsage().rss,
  });
} else {
  console.error(`usage: sync-bench-emulator.ts dataverse|mailplus <seed> [lagMs]`);
  process.exit(2);
}
process.send!({ ready: true });
