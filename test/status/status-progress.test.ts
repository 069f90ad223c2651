import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { AppOptions } from '../../src/app.js';
import { startStatusServer } from '../../src/status/status-server.js';
import type { CrmPort } from '../../src/sync/ports/index.js';
import { TENANT, withSyncHarness } from '../sync/sync-harness.js';
import { capturingLogger, get, onAnyPort } from './status-client.js';

const CONTACTS = 15_000;

interface Snapshot {
  done: boolean;
  loading: string | null;
  read: number;
  written: number;
}

/** Connectors whose Dataverse side calls `between` after handing out each change page. */
function pausingBetweenPages(between: () => Promise<void>): AppOptions['connectors'] {
  const paused = (crm: CrmPort): CrmPort =>
    Object.assign(Object.create(crm), {
      async *changes(read: Parameters<CrmPort['changes']>[0]) {
        for await (const page of crm.changes(read)) {
          yield page;
          await between();
        }
      },
    });
  return (real) => async (tenantId, events) => {
    const connectors = await real(tenantId, events);
    return { ...connectors, crm: paused(connectors.crm) };
  };
}

describe('status API during an initial load', () => {
  // The status API is asked between Dataverse pages (3 of 5,000): mid-load answers, without timing.
  let between = async () => {};
  const connectors = pausingBetweenPages(() => between());
  it('shows the load progressing: counters that rise while it is not done, then done', () =>
    withSyncHarness({ contacts: CONTACTS, appOptions: { connectors } }, async (h) => {
      const server = await startStatusServer({
        app: h.t.app,
        engine: h.engine,
        config: onAnyPort(h.t.app.config),
        log: capturingLogger().log,
      });
      try {
        const snapshot = async (): Promise<Snapshot | null> => {
          const body = (await get(`${server.url}/status`, server.certificate.cert)).json();
          const tenant = body.tenants.find((t: { id: string }) => t.id === TENANT);
          if (!tenant.sync) return null;
          const { dataverseRead, writtenToMailplus } = tenant.sync.counters;
          return {
            done: tenant.initialLoad.done,
            loading: tenant.sync.loading,
            read: dataverseRead ?? 0,
            written: writtenToMailplus ?? 0,
          };
        };
        const during: Snapshot[] = [];
        const stats = h.ctx.stats;
        between = async () => {
          // Until the deliverer, which runs beside the reader, has written more: each answer then
          // shows both figures moving, whatever the machine's speed.
          const written = stats.writtenToMailplus;
          while (stats.writtenToMailplus === written) await new Promise((resolve) => setImmediate(resolve));
          const s = await snapshot();
          if (s) during.push(s);
        };
        await h.round();
        between = async () => {};
        const midway = during.filter((s) => !s.done && s.written > 0 && s.written < CONTACTS);
        assert.ok(
          during.some((s) => s.loading === 'initial-load' && s.read > 0 && s.read < CONTACTS),
          'the read figure rises page by page while the load says so',
        );
        assert.ok(midway.length >= 2, `at least two answers mid-load: ${JSON.stringify(during)}`);
        for (let i = 1; i < during.length; i++) {
          assert.ok(during[i]!.read >= during[i - 1]!.read, 'read never goes back');
          assert.ok(during[i]!.written >= during[i - 1]!.written, 'written never goes back');
        }
        assert.ok(midway.at(-1)!.written > midway[0]!.written, 'written rose while the load ran');
        const end = await snapshot();
        assert.deepEqual(end, { done: true, loading: null, read: CONTACTS, written: CONTACTS });
      } finally {
        await server.close();
      }
    }));
});
