// The bare reference for bench:sync's throughput ratio: the same Dataverse pages read through the same
// CRM port, mapped with the same mapping into the same Mail+ bulk batches (100 contacts, insert-only,
// 2 calls in flight while the next pages are read, at most 20,000 contacts waiting), and nothing
// else: no queue, no contact state, no hashing, no identity map. What koppel adds on top of this is
// what the ratio measures. Contacts are written under externalId `ref-<id>` (new contacts, as in
// koppel's load), so the run must come after koppel's own phases.
import type { MarketingWrite } from '../../src/sync/ports/index.js';
import type { SyncContext } from '../../src/sync/sync-context.js';

const IN_FLIGHT = 2;
const BULK = 100;
const MAX_WAITING = 20_000;

export interface ReferenceFigures {
  contacts: number;
  wallMs: number;
  contactsPerSec: number;
  pages: number;
  bulkCalls: number;
}

export async function referencePipeline(ctx: SyncContext): Promise<ReferenceFigures> {
  const mapper = ctx.mapper;
  const waiting: MarketingWrite[] = [];
  let reading = true;
  let pages = 0;
  let bulkCalls = 0;
  let written = 0;
  let wakers: (() => void)[] = [];
  let drained: (() => void) | null = null;
  const notify = () => {
    for (const wake of wakers) wake();
    wakers = [];
  };
  const t0 = performance.now();

  const writer = async () => {
    for (;;) {
      if (waiting.length === 0) {
        if (!reading) return;
        await new Promise<void>((resolve) => {
          wakers.push(resolve);
        });
        continue;
      }
      const batch = waiting.splice(0, BULK);
      drained?.();
      drained = null;
      bulkCalls++;
      const outcomes = await ctx.mailplus.upsertBatch(batch, { update: false });
      for (const o of outcomes) if (o.status !== 'failed' && o.status !== 'exists') written++;
    }
  };
  const writers = Array.from({ length: IN_FLIGHT }, writer);

  let keys: string[] | null = null;
  for await (const page of ctx.dataverse.changes({ ...mapper.crmRead, from: null, pageSize: 5000 })) {
    pages++;
    for (const record of page.upserts) {
      keys ??= Object.keys(mapper.canonical('dataverse', record.fields)).filter((k) =>
        mapper.flowsTo(k, 'mailplus'),
      );
      const values = mapper.valuesFor('mailplus', keys, record.fields);
      const properties: Record<string, unknown> = {};
      for (const v of Object.values(values)) {
        for (const [name, value] of Object.entries(v)) {
          const existing = properties[name];
          properties[name] =
            Array.isArray(existing) && Array.isArray(value) ? [...existing, ...value] : value;
        }
      }
      waiting.push({ externalId: `ref-${record.id}`, properties });
    }
    notify();
    while (waiting.length > MAX_WAITING)
      await new Promise<void>((resolve) => {
        drained = resolve;
      });
  }
  reading = false;
  notify();
  await Promise.all(writers);
  const wallMs = performance.now() - t0;
  return { contacts: written, wallMs, contactsPerSec: written / (wallMs / 1000), pages, bulkCalls };
}
