import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decideRemovals, showRemovals } from '../../src/incidents/signals/removal-decisions.js';
import { HOLD_MS } from '../../src/sync/removal-guard.js';
import { QUEUE_TO_DATAVERSE, QUEUE_TO_MAILPLUS } from '../../src/sync/sync-mapper.js';
import { assertFolding, assertOne, MINUTE, watcherOf } from '../incidents/signals-helpers.js';
import { propertiesHoldingData, type SyncHarness, TENANT, withSyncHarness } from './sync-harness.js';

const OTHER = 'beta';
const ADMIN = { actor: 'cli:test', address: 'cli' };

/** A contact of tenant beta: its sync state is beta's, none of acme's pollers ever read it. */
async function betaContact(h: SyncHarness, n: number): Promise<string> {
  const id = `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
  await h.ctx.states.update(OTHER, [id], (states) => {
    states.get(id)!.inMailplus = true;
  });
  return id;
}

async function deadLetters(h: SyncHarness, reason: string) {
  return (await h.t.app.queue.listDeadLetters({ tenantId: TENANT })).filter((d) => d.reason === reason);
}

describe('sync guards', () => {
  it('refuses a record of another tenant in both deliverers: dead-lettered cross-tenant, never sent, one incident', async () => {
    await withSyncHarness({ contacts: 5 }, async (h) => {
      await h.t.app.tenants.add(OTHER, 'Beta BV');
      await h.settle();
      const before = h.mailplus.admin.contacts().length;
      let n = 0;
      const ids: string[] = [];
      await assertFolding(h.t, 'sync.cross-tenant-refused', async () => {
        const id = await betaContact(h, ++n);
        ids.push(id);
        // Queued for acme, built for beta: would create beta's person in acme's Mail+ account.
        await h.t.app.queue.enqueue([
          {
            tenantId: TENANT,
            queue: QUEUE_TO_MAILPLUS,
            key: id,
            payload: {
              op: 'upsert',
              contactId: id,
              create: true,
              fields: {
                email: { values: { email: `test${n}@example.invalid` }, hash: 'h1', base: null },
                lastName: { values: { lastName: `Test Contact ${n}` }, hash: 'h2', base: null },
              },
            },
          },
        ]);
        await h.round();
        assert.equal(h.mailplus.admin.contact(id), undefined, 'never sent to Mail+');
      });
      for (const id of ids) assert.equal(h.mailplus.admin.contact(id), undefined, 'never sent to Mail+');
      assert.equal(h.mailplus.admin.contacts().length, before);
      const refused = await deadLetters(h, 'cross-tenant');
      assert.equal(refused.length, 3);
      const event = await h.t.app.store.db
        .selectFrom('security_events')
        .selectAll()
        .where('kind', '=', 'sync.cross-tenant-refused')
        .executeTakeFirstOrThrow();
      assert.equal(event.tenant_id, TENANT);
      assert.equal(event.subject, ids[0]);
      assert.match(event.detail, /"owner":"beta"/);
      assert.doesNotMatch(event.detail, /Test Contact/, 'ids only');

      // The Dataverse deliverer: a payload stamped for beta, about one of acme's own contacts.
      const { watcher, of } = watcherOf(h.t);
      const acmeId = h.dataverse.admin.listContacts()[0]!.contactid as string;
      const jobBefore = h.dataverse.admin.getContact(acmeId)!.jobtitle;
      // Based on the agreed value, so nothing but the guard stands between it and Dataverse.
      const agreed = (await h.ctx.states.getMany(TENANT, [acmeId])).get(acmeId)!.synced.jobTitle!.slice(2);
      await h.t.app.queue.enqueue([
        {
          tenantId: TENANT,
          queue: QUEUE_TO_DATAVERSE,
          key: acmeId,
          payload: {
            op: 'update',
            tenantId: OTHER,
            contactId: acmeId,
            fields: { jobTitle: { values: { jobtitle: 'Inkoper' }, hash: 'h', base: agreed } },
          },
        },
      ]);
      await h.round();
      assert.equal(h.dataverse.admin.getContact(acmeId)!.jobtitle, jobBefore, 'never written to Dataverse');
      assert.equal((await deadLetters(h, 'cross-tenant')).length, 4);
      const dataverseEvent = await h.t.app.store.db
        .selectFrom('security_events')
        .selectAll()
        .where('kind', '=', 'sync.cross-tenant-refused')
        .orderBy('id', 'desc')
        .executeTakeFirstOrThrow();
      assert.match(dataverseEvent.detail, /"deliverer":"dataverse"/);
      assert.match(dataverseEvent.detail, /built for tenant beta/);
      // Within the hour of the last refusal: folded into the open incident, not a third one.
      await watcher.runDue();
      const incidents = await of('sync.cross-tenant-refused');
      assert.equal(incidents.length, 2);
      assert.equal(incidents[1]!.signal?.count, 2);
      assert.deepEqual(incidents[0]!.tenants, [OTHER, TENANT], 'the owner and the tenant it nearly went to');
      assert.match(incidents[0]!.summary, /mailplus deliverer of tenant acme/);
      assert.match(incidents[0]!.summary, /known only to tenant beta/);
    });
  });

  it('a mass delete pauses removals (held, not sent) while updates flow; confirm delivers them, folding per hour', async () => {
    await withSyncHarness({ contacts: 200 }, async (h) => {
      await h.settle();
      const { watcher, of } = watcherOf(h.t);
      const ids = h.dataverse.admin.listContacts().map((c) => c.contactid as string);
      let next = 0;
      const burst = async (count: number) => {
        const deleted = ids.slice(next, next + count);
        next += count;
        for (const id of deleted) h.dataverse.admin.deleteContact(id);
        return deleted;
      };

      // A small removal is normal: delivered at once.
      const few = await burst(3);
      await h.round();
      for (const id of few) assert.deepEqual(propertiesHoldingData(h, id), [], 'anonymized at once');
      assert.equal((await showRemovals(h.t.app, TENANT)).pause, null);

      const many = await burst(60);
      const edited = ids[199]!;
      h.dataverse.admin.updateContact(edited, { jobtitle: 'Inkoper' });
      await h.round();
      for (const id of many) assert.notDeepEqual(propertiesHoldingData(h, id), [], 'held, not anonymized');
      assert.equal(
        h.mailplus.admin.contact(edited)?.properties.jobTitle,
        'Inkoper',
        'updates flow meanwhile',
      );
      const shown = await showRemovals(h.t.app, TENANT);
      assert.equal(shown.pause?.state, 'paused');
      assert.equal(shown.pause?.removals, 60);
      assert.equal(shown.pause?.threshold, 50);
      // Still held in later rounds, nothing lost or counted as a failed delivery.
      h.clock.advance(HOLD_MS);
      await h.round();
      for (const id of many) assert.notDeepEqual(propertiesHoldingData(h, id), []);
      assert.equal((await h.t.app.queue.listDeadLetters()).length, 0);

      await watcher.runDue();
      const incident = assertOne(await of('sync.mass-removal-paused'), 'sync.mass-removal-paused', 1);
      assert.deepEqual(incident.tenants, [TENANT]);

      const confirmed = await decideRemovals(h.t.app, TENANT, 'confirm', ADMIN);
      assert.equal(confirmed.state, 'confirmed');
      h.clock.advance(HOLD_MS);
      await h.settle();
      for (const id of many) assert.deepEqual(propertiesHoldingData(h, id), [], 'delivered after confirm');
      const audit = (await h.t.app.audit.list()).filter((e) => e.action === 'tenant.removals.confirm');
      assert.equal(audit.length, 1);

      // A second burst within the hour folds into the same incident; one after the hour opens another.
      h.clock.advance(10 * MINUTE);
      await burst(60);
      await h.round();
      await watcher.runDue();
      assertOne(await of('sync.mass-removal-paused'), 'sync.mass-removal-paused', 2);
      await decideRemovals(h.t.app, TENANT, 'confirm', ADMIN);
      h.clock.advance(61 * MINUTE);
      await burst(60);
      await h.round();
      await watcher.runDue();
      assert.equal((await of('sync.mass-removal-paused')).length, 2);
      await decideRemovals(h.t.app, TENANT, 'confirm', ADMIN);
      h.clock.advance(HOLD_MS);
      await h.settle();
    });
  });

  it('reject dead-letters the held removals as rejected-by-admin; a replay removes them after all', async () => {
    await withSyncHarness({ contacts: 80 }, async (h) => {
      await h.settle();
      const ids = h.dataverse.admin.listContacts().map((c) => c.contactid as string);
      const many = ids.slice(0, 55);
      for (const id of many) h.dataverse.admin.deleteContact(id);
      await h.round();
      assert.equal((await showRemovals(h.t.app, TENANT)).pause?.state, 'paused');
      await assert.rejects(decideRemovals(h.t.app, 'nobody', 'reject', ADMIN));
      const rejected = await decideRemovals(h.t.app, TENANT, 'reject', ADMIN);
      assert.equal(rejected.state, 'rejected');
      await assert.rejects(decideRemovals(h.t.app, TENANT, 'confirm', ADMIN), /no paused removals/);
      h.clock.advance(HOLD_MS);
      await h.settle();
      const dead = await deadLetters(h, 'rejected-by-admin');
      assert.equal(dead.length, 55);
      for (const id of many) assert.notDeepEqual(propertiesHoldingData(h, id), [], 'not removed');
      h.clock.advance(1_000);
      assert.equal(await h.t.app.queue.replayDeadLetters(dead.map((d) => d.seq)), 55);
      await h.settle();
      for (const id of many) assert.deepEqual(propertiesHoldingData(h, id), [], 'removed after the replay');
    });
  });
});
