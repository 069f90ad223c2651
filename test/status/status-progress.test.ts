import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { startStatusServer } from '../../src/status/status-server.js';
import { TENANT, withSyncHarness } from '../sync/sync-harness.js';
import { capturingLogger, get, onAnyPort } from './status-client.js';

const CONTACTS = 15_000;

interface Snapshot {
  done: boolean;
  loading: string | null;
  read: number;
  written: number;
}

describe('status API during an initial load', () => {
  it('shows the load progressing: counters that rise while it is not done, then done', () =>
    withSyncHarness({ contacts: CONTACTS }, async (h) => {
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
        let finished = false;
        const load = h.round().finally(() => {
          finished = true;
        });
        const during: Snapshot[] = [];
        while (!finished) {
          const s = await snapshot();
          if (s && !finished) during.push(s);
          await sleep(100);
        }
        await load;
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
