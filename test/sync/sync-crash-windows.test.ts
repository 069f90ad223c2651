import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { deliverToDataverse } from '../../src/sync/dataverse-deliverer.js';
import { pollDataverse } from '../../src/sync/dataverse-poller.js';
import { deliverToMailplus } from '../../src/sync/mailplus-deliverer.js';
import { pollMailplus } from '../../src/sync/mailplus-poller.js';
import { DEFAULT_FIELDS, DEFAULT_PERMISSIONS } from '../../src/sync/mapping/index.js';
import type { SyncContext } from '../../src/sync/sync-context.js';
import { QUEUE_TO_DATAVERSE, QUEUE_TO_MAILPLUS } from '../../src/sync/sync-mapper.js';
import { syncRound } from '../../src/sync/tenant-sync.js';
import { pendingMessages, permission, type SyncHarness, TENANT, withSyncHarness } from './sync-harness.js';

/**
 * The moments a SIGKILL can hit that matter most, made deterministic: each remote write below reaches
 * the other system, and then the worker "dies" before it records that write (its lease runs out after
 * 50 ms, as a dead worker's would after 60 s). The random SIGKILL test (sync-crash.test.ts) covers the
 * rest.
 */
const LEASE_MS = 50;

/** `target` with some methods replaced; the rest still bound to `target` (they use private fields). */
function override<T extends object>(target: T, replaced: Partial<Record<keyof T, unknown>>): T {
  return new Proxy(target, {
    get(object, property) {
      if (property in replaced) return replaced[property as keyof T];
      const value = Reflect.get(object, property, object);
      return typeof value === 'function' ? value.bind(object) : value;
    },
  });
}

/** A worker that dies right after each remote write, before recording it. */
function dying(ctx: SyncContext): SyncContext {
  const killed = () => new Error('killed after the remote write');
  return {
    ...ctx,
    queue: override(ctx.queue, {
      claim: (options: Parameters<SyncContext['queue']['claim']>[0]) =>
        ctx.queue.claim({ ...options, leaseMs: LEASE_MS }),
    }),
    mailplus: override(ctx.mailplus, {
      upsertBatch: async (...args: Parameters<SyncContext['mailplus']['upsertBatch']>) => {
        await ctx.mailplus.upsertBatch(...args);
        throw killed();
      },
      anonymize: async (externalId: string) => {
        await ctx.mailplus.anonymize(externalId);
        throw killed();
      },
    }),
    dataverse: override(ctx.dataverse, {
      updateMany: async (...args: Parameters<SyncContext['dataverse']['updateMany']>) => {
        await ctx.dataverse.updateMany(...args);
        throw killed();
      },
    }),
  };
}

const newsletter = (h: SyncHarness, id: string) => permission(h, id, 1);

/** Once the sync settles: still unsubscribed in Mail+, "do not bulk e-mail" in Dataverse, nobody doubled. */
async function settlesUnsubscribed(h: SyncHarness, id: string): Promise<void> {
  await h.settle();
  assert.equal(newsletter(h, id), false);
  assert.equal(h.dataverse.admin.getContact(id)!.donotbulkemail, true, 'the unsubscribe reached Dataverse');
  assert.equal(h.mailplus.admin.contacts().length, 10);
}

describe('sync across a crash between a remote write and its record', () => {
  it('does not carry a Mail+ write back over a newer Dataverse edit', () =>
    withSyncHarness({ contacts: 10 }, async (h) => {
      await h.settle();
      const id = h.dataverse.admin.listContacts()[0]!.contactid as string;
      h.dataverse.admin.updateContact(id, { jobtitle: 'Inkoper' });
      await pollDataverse(h.ctx);
      await assert.rejects(deliverToMailplus(dying(h.ctx)), /killed/);
      assert.equal(h.mailplus.admin.contact(id)!.properties!.jobTitle, 'Inkoper', 'the write reached Mail+');
      h.dataverse.admin.updateContact(id, { jobtitle: 'Hoofd inkoop' });
      await pollMailplus(h.ctx, 0);
      assert.equal(
        await pendingMessages(h.t, QUEUE_TO_DATAVERSE),
        0,
        "koppel's own write is not an edit made in Mail+",
      );
      h.clock.advance(LEASE_MS * 2);
      await h.settle();
      assert.equal(h.dataverse.admin.getContact(id)!.jobtitle, 'Hoofd inkoop');
      assert.equal(h.mailplus.admin.contact(id)!.properties!.jobTitle, 'Hoofd inkoop');
    }));

  it('does not carry a Dataverse write back over a newer Mail+ edit', () =>
    withSyncHarness({ contacts: 10 }, async (h) => {
      await h.settle();
      const id = h.dataverse.admin.listContacts()[1]!.contactid as string;
      h.mailplus.admin.edit(id, { city: 'Gent' });
      await pollMailplus(h.ctx, 0);
      await assert.rejects(deliverToDataverse(dying(h.ctx)), /killed/);
      assert.equal(h.dataverse.admin.getContact(id)!.address1_city, 'Gent', 'the write reached Dataverse');
      h.clock.advance(100);
      h.mailplus.admin.edit(id, { city: 'Brugge' });
      await pollDataverse(h.ctx);
      assert.equal(
        await pendingMessages(h.t, QUEUE_TO_MAILPLUS),
        0,
        "koppel's own write is not an edit made in Dataverse",
      );
      await h.settle();
      assert.equal(h.mailplus.admin.contact(id)!.properties!.city, 'Brugge');
      assert.equal(h.dataverse.admin.getContact(id)!.address1_city, 'Brugge');
    }));

  it('does not take an anonymized Mail+ record for edits when a removal was not recorded', () =>
    withSyncHarness({ contacts: 10 }, async (h) => {
      await h.settle();
      const id = h.dataverse.admin.listContacts()[4]!.contactid as string;
      h.dataverse.admin.updateContact(id, { statecode: 1, statuscode: 2 });
      await pollDataverse(h.ctx);
      await deliverToMailplus(dying(h.ctx));
      assert.equal(h.mailplus.admin.contact(id)?.properties?.email, undefined, 'anonymized in Mail+');
      await pollMailplus(h.ctx, 0);
      assert.equal(await pendingMessages(h.t, QUEUE_TO_DATAVERSE), 0, 'the emptied record is not an edit');
      await h.settle();
      const row = h.dataverse.admin.getContact(id)!;
      assert.ok(row.firstname && row.emailaddress1, 'the CRM contact keeps its data');
    }));

  it('does not re-subscribe someone who unsubscribed before a first write was delivered again', () =>
    withSyncHarness({ contacts: 10 }, async (h) => {
      await pollDataverse(h.ctx);
      await assert.rejects(deliverToMailplus(dying(h.ctx)), /killed/);
      const id = h.dataverse.admin.listContacts()[2]!.contactid as string;
      assert.equal(newsletter(h, id), true, 'the first write reached Mail+');
      h.mailplus.admin.unsubscribe(id, 1);
      h.clock.advance(LEASE_MS * 2);
      // Delivered again before koppel has read the unsubscribe.
      assert.equal(await deliverToMailplus(h.ctx), 10);
      assert.equal(newsletter(h, id), false, 'the redelivered first write kept the unsubscribe');
      await settlesUnsubscribed(h, id);
    }));

  it('does not write a redelivered first write over a Mail+ edit made after it', () =>
    withSyncHarness({ contacts: 10 }, async (h) => {
      await pollDataverse(h.ctx);
      await assert.rejects(deliverToMailplus(dying(h.ctx)), /killed/);
      const id = h.dataverse.admin.listContacts()[4]!.contactid as string;
      h.mailplus.admin.edit(id, { city: 'Gent' });
      h.clock.advance(LEASE_MS * 2);
      // Delivered again before koppel has read the edit.
      assert.equal(await deliverToMailplus(h.ctx), 10);
      await h.settle();
      assert.equal(h.mailplus.admin.contact(id)!.properties.city, 'Gent', 'the edit stays in Mail+');
      assert.equal(h.dataverse.admin.getContact(id)!.address1_city, 'Gent', 'and reaches Dataverse');
    }));

  it('does not undo an agreed Mail+ edit with a first write that was enqueued twice', () =>
    withSyncHarness({ contacts: 10 }, async (h) => {
      await pollDataverse(h.ctx);
      await assert.rejects(deliverToMailplus(dying(h.ctx)), /killed/);
      await h.ctx.checkpoints.clear(TENANT, 'dataverse');
      await pollDataverse(h.ctx);
      h.clock.advance(LEASE_MS * 2);
      // The first copy of each create is delivered again; the second still waits in the queue.
      assert.equal(await deliverToMailplus(h.ctx), 10);
      const id = h.dataverse.admin.listContacts()[7]!.contactid as string;
      h.mailplus.admin.edit(id, { city: 'Gent' });
      await pollMailplus(h.ctx, 0);
      await deliverToDataverse(h.ctx);
      assert.equal(h.dataverse.admin.getContact(id)!.address1_city, 'Gent', 'the edit reached Dataverse');
      await h.settle();
      assert.equal(h.mailplus.admin.contact(id)!.properties.city, 'Gent', 'the second copy left it alone');
      assert.equal(h.dataverse.admin.getContact(id)!.address1_city, 'Gent');
    }));

  it('writes the newer Dataverse value when a first write is enqueued again after an edit', () =>
    withSyncHarness({ contacts: 10 }, async (h) => {
      await pollDataverse(h.ctx);
      await assert.rejects(deliverToMailplus(dying(h.ctx)), /killed/);
      const id = h.dataverse.admin.listContacts()[6]!.contactid as string;
      h.dataverse.admin.updateContact(id, { jobtitle: 'Inkoper' });
      // Read again (a resumed load) before the first write was recorded: a second create, newer value.
      await h.ctx.checkpoints.clear(TENANT, 'dataverse');
      await pollDataverse(h.ctx);
      h.clock.advance(LEASE_MS * 2);
      // Mail+ is read first: the older value there is koppel's own write, not a person's edit.
      await pollMailplus(h.ctx, 0);
      await h.settle();
      assert.equal(
        h.mailplus.admin.contact(id)!.properties.jobTitle,
        'Inkoper',
        'the newer value reached Mail+',
      );
      assert.equal(h.dataverse.admin.getContact(id)!.jobtitle, 'Inkoper', 'and the edit stays in Dataverse');
    }));

  it('keeps that newer Dataverse value also when Mail+ owns the field', () =>
    withSyncHarness({ contacts: 10 }, async (h) => {
      // With Mail+ as owner, the owner rule would let an older value read back from Mail+ win.
      await h.useDefinition({
        scope: { kind: 'all-active' },
        fields: DEFAULT_FIELDS.map((f) => (f.dataverse === 'jobtitle' ? { ...f, owner: 'mailplus' } : f)),
        permissions: DEFAULT_PERMISSIONS,
      });
      const ctx = h.ctx;
      await pollDataverse(ctx);
      await assert.rejects(deliverToMailplus(dying(ctx)), /killed/);
      const id = h.dataverse.admin.listContacts()[6]!.contactid as string;
      h.dataverse.admin.updateContact(id, { jobtitle: 'Inkoper' });
      await ctx.checkpoints.clear(TENANT, 'dataverse');
      await pollDataverse(ctx);
      h.clock.advance(LEASE_MS * 2);
      await pollMailplus(ctx, 0);
      await h.settle();
      assert.equal(h.dataverse.admin.getContact(id)!.jobtitle, 'Inkoper', 'the edit stays in Dataverse');
      assert.equal(h.mailplus.admin.contact(id)!.properties.jobTitle, 'Inkoper', 'and reached Mail+');
    }));

  it('does not re-subscribe someone when a first write is enqueued again before it was recorded', () =>
    withSyncHarness({ contacts: 10 }, async (h) => {
      await pollDataverse(h.ctx);
      await assert.rejects(deliverToMailplus(dying(h.ctx)), /killed/);
      // The contacts are read again (a resumed first load, a resync) before that write was recorded.
      await h.ctx.checkpoints.clear(TENANT, 'dataverse');
      await pollDataverse(h.ctx);
      const id = h.dataverse.admin.listContacts()[5]!.contactid as string;
      h.mailplus.admin.unsubscribe(id, 1);
      h.clock.advance(LEASE_MS * 2);
      // Both writes are delivered before koppel has read the unsubscribe.
      while ((await deliverToMailplus(h.ctx)) > 0);
      assert.equal(newsletter(h, id), false, 'neither write switched the permission on again');
      await settlesUnsubscribed(h, id);
    }));

  it('reads the unsubscribes made while a first load was killed, whenever the next worker starts', () =>
    withSyncHarness({ contacts: 10 }, async (h) => {
      await assert.rejects(syncRound(dying(h.ctx), { mailplusFrom: h.clock.now() }), /killed/);
      const id = h.dataverse.admin.listContacts()[3]!.contactid as string;
      h.mailplus.admin.unsubscribe(id, 1);
      // The next worker starts later than the feed's overlap (2 s in the harness) after the unsubscribe,
      // with nothing of the dead one's (its connectors and context are dropped).
      h.clock.advance(2_500);
      await h.engine.close();
      for (let i = 0; i < 10 && (await h.engine.round(TENANT)).deliveredToDataverse === 0; i++)
        h.clock.advance(LEASE_MS);
      assert.equal(
        h.dataverse.admin.getContact(id)!.donotbulkemail,
        true,
        'the unsubscribe reached Dataverse',
      );
      assert.equal(newsletter(h, id), false);
    }));
});
