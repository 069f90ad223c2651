import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { App } from '../../src/app.js';
import { CheckpointStore } from '../../src/sync/checkpoint-store.js';
import { ContactStateStore } from '../../src/sync/contact-state.js';
import { FencedError } from '../../src/sync/fence.js';
import { IdentityMap } from '../../src/sync/identity-map.js';
import { MailplusIndex } from '../../src/sync/mailplus-index.js';
import { type Backend, PG_SKIP_REASON } from '../helpers/stores.js';
import { LEASE_MS, owners, startCluster, TENANTS } from './cluster-helpers.js';

const BACKENDS: Array<{ backend: Backend; skip: string | false }> = [
  { backend: 'sqlite', skip: false },
  { backend: 'postgres', skip: PG_SKIP_REASON },
];

for (const { backend, skip } of BACKENDS) {
  describe(`tenant leases on ${backend}`, { skip }, () => {
    it('spreads 6 tenants as ceil(tenants / workers) and moves them when workers join', async () => {
      const c = await startCluster(backend, 3);
      try {
        const [a, b, d] = c.apps.map((app) => app.cluster.coordinator);
        await a!.join();
        const alone = await a!.tick(TENANTS);
        assert.deepEqual(alone.acquired.sort(), TENANTS, 'a lone worker takes every tenant');
        await b!.join();
        const full = await b!.tick(TENANTS);
        assert.deepEqual([full.workers, full.target, full.acquired], [2, 3, []], 'nothing free yet');
        assert.equal((await a!.tick(TENANTS)).released.length, 3, 'a gives up what is above its share');
        assert.equal((await b!.tick(TENANTS)).acquired.length, 3);
        await d!.join();
        for (const w of [d!, a!, b!, d!]) await w.tick(TENANTS);
        assert.deepEqual(
          [a!.held().length, b!.held().length, d!.held().length],
          [2, 2, 2],
          'three workers: two tenants each',
        );
        const all = [...a!.held(), ...b!.held(), ...d!.held()].sort();
        assert.deepEqual(all, TENANTS, 'every tenant held exactly once');
        const rows = await owners(c.t.app);
        for (const w of [a!, b!, d!]) for (const t of w.held()) assert.equal(rows.get(t), w.workerId);
      } finally {
        await c.close();
      }
    });

    it("takes a dead worker's tenants over within the lease time, with a higher fencing token", async () => {
      const c = await startCluster(backend, 3);
      try {
        const [a, b, dead] = c.apps.map((app) => app.cluster.coordinator);
        for (const w of [a!, b!, dead!]) await w.join();
        for (const w of [a!, b!, dead!, a!, b!, dead!]) await w.tick(TENANTS);
        const orphaned = dead!.held();
        assert.equal(orphaned.length, 2);
        const before = new Map((await c.t.app.cluster.leases.leases()).map((l) => [l.tenant, l.token]));
        // `dead` stops ticking (SIGKILL). Within one lease time the others see it gone and take over.
        const step = LEASE_MS / 5;
        let movedAt = -1;
        for (let waited = step; waited <= LEASE_MS + step; waited += step) {
          c.t.clock.advance(step);
          await a!.tick(TENANTS);
          await b!.tick(TENANTS);
          if (a!.held().length + b!.held().length === TENANTS.length) {
            movedAt = waited;
            break;
          }
        }
        assert.ok(movedAt > 0 && movedAt <= LEASE_MS + step, `taken over after ${movedAt} ms`);
        assert.deepEqual([a!.held().length, b!.held().length], [3, 3]);
        const after = new Map((await c.t.app.cluster.leases.leases()).map((l) => [l.tenant, l.token]));
        for (const t of orphaned) assert.ok(after.get(t)! > before.get(t)!, `${t}'s token went up`);
      } finally {
        await c.close();
      }
    });

    it('refuses the writes of an owner whose lease was taken (fencing), and lets the new owner write', async () => {
      const c = await startCluster(backend, 2);
      try {
        const [appA, appB] = c.apps;
        const a = appA!.cluster.coordinator;
        const b = appB!.cluster.coordinator;
        await a.join();
        await a.tick(['t1']);
        const ctxA = storesOf(appA!);
        await ctxA.checkpoints.set('t1', 'dataverse', 'position-a1');
        // A is paused (SIGSTOP) past its lease; B joins and takes t1 over.
        c.t.clock.advance(LEASE_MS + 1);
        assert.deepEqual([a.holds('t1'), a.held()], [false, []], 'past its lease A starts no new round');
        await b.join();
        assert.deepEqual((await b.tick(['t1'])).acquired, ['t1']);
        await assert.rejects(ctxA.checkpoints.set('t1', 'dataverse', 'stale'), FencedError);
        await assert.rejects(
          ctxA.states.update('t1', ['contact-1'], (states) => {
            states.get('contact-1')!.inMailplus = true;
          }),
          FencedError,
        );
        await assert.rejects(ctxA.identities.link('t1', new Map([['contact-1', 'mp-1']])), FencedError);
        await assert.rejects(ctxA.index.clear('t1'), FencedError);
        assert.equal(a.holds('t1'), false, 'a refused write tells A it lost the tenant');
        const ctxB = storesOf(appB!);
        await ctxB.checkpoints.set('t1', 'dataverse', 'position-b1');
        assert.equal(await ctxB.checkpoints.get('t1', 'dataverse'), 'position-b1');
        const state = (await ctxB.states.getMany('t1', ['contact-1'])).get('contact-1')!;
        assert.equal(state.inMailplus, false, "A's refused state write left nothing behind");
        await ctxB.index.add('t1', [{ mailplusId: 'mp-2', emailHash: null, optedOut: false, offBits: [] }]);
        assert.equal((await ctxB.index.find('t1', 'mailplusId', ['mp-2'])).length, 1);
        // A resumes and ticks: its renewal fails, it holds nothing and does not take t1 back.
        const resumed = await a.tick(['t1']);
        assert.deepEqual([resumed.acquired, a.held()], [[], []]);
      } finally {
        await c.close();
      }
    });

    it('a worker that leaves releases its leases at once, not after the lease time', async () => {
      const c = await startCluster(backend, 2);
      try {
        const [a, b] = c.apps.map((app) => app.cluster.coordinator);
        await a!.join();
        await b!.join();
        await a!.tick(TENANTS);
        await b!.tick(TENANTS);
        await a!.tick(TENANTS);
        await b!.tick(TENANTS);
        assert.equal(b!.held().length, 3);
        assert.equal((await b!.leave()).length, 3);
        const next = await a!.tick(TENANTS);
        assert.equal(next.workers, 1, 'the leaver is out of the registry');
        assert.deepEqual(a!.held(), TENANTS, 'taken at the next tick, the clock did not move');
      } finally {
        await c.close();
      }
    });

    it('takes the leases of a dead process on this machine back at once (a restart after SIGKILL)', async () => {
      const c = await startCluster(backend, 3);
      try {
        const [a, dead, other] = c.apps.map((app) => app.cluster.coordinator);
        await dead!.join();
        await dead!.tick(['t1', 't2']);
        await other!.join();
        const elsewhere = await other!.tick(['t3']);
        assert.deepEqual(elsewhere.acquired, ['t3']);
        // `dead` (pid 1001) was SIGKILLed; `other` (pid 1002) runs. A new worker starts on the machine.
        await a!.join();
        assert.equal(await a!.releaseOrphaned(false, (pid) => pid !== 1001), 2, "only the dead pid's leases");
        const next = await a!.tick(['t1', 't2', 't3']);
        assert.deepEqual(next.acquired.sort(), ['t1', 't2'], 'taken without waiting for the lease');
        assert.equal(other!.holds('t3'), true);
        const workers = (await c.t.app.cluster.leases.workers()).map((w) => w.pid);
        assert.equal(workers.includes(1001), false, 'the dead worker left the registry');
      } finally {
        await c.close();
      }
    });

    it('runs a job once per interval across the cluster', async () => {
      const c = await startCluster(backend, 2);
      try {
        const [a, b] = c.apps.map((app) => app.cluster.jobs);
        assert.equal(await a!.claim('retention', 60_000), true);
        assert.equal(await b!.claim('retention', 60_000), false, 'the other worker skips it');
        assert.equal(await a!.claim('retention', 60_000), false, 'and so does the same one');
        c.t.clock.advance(59_999);
        assert.equal(await b!.claim('retention', 60_000), false);
        c.t.clock.advance(1);
        assert.deepEqual(
          await Promise.all([a!.claim('retention', 60_000), b!.claim('retention', 60_000)]).then((r) =>
            r.filter(Boolean),
          ),
          [true],
          'two asking at once: exactly one runs it',
        );
        const status = await c.t.app.cluster.status();
        assert.deepEqual(
          status.jobs.map((j) => j.job),
          ['retention'],
        );
      } finally {
        await c.close();
      }
    });
  });
}

/** The sync's state stores as the engine builds them for a tenant: with the app's fence. */
function storesOf(app: App) {
  const fence = app.cluster.coordinator.fence;
  return {
    checkpoints: new CheckpointStore(app.store, app.clock, fence),
    states: new ContactStateStore(app.store, app.clock, () => {}, fence),
    identities: new IdentityMap(app.store, app.clock, fence),
    index: new MailplusIndex(app.store, fence),
  };
}
