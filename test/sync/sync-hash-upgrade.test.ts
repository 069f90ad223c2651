import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ContactStateStore } from '../../src/sync/contact-state.js';
import { pollDataverse } from '../../src/sync/dataverse-poller.js';
import { FieldHasher } from '../../src/sync/field-hasher.js';
import { deliverToMailplus } from '../../src/sync/mailplus-deliverer.js';
import { pollMailplus } from '../../src/sync/mailplus-poller.js';
import type { SyncContext } from '../../src/sync/sync-context.js';
import { syncRound } from '../../src/sync/tenant-sync.js';
import type { Backend } from '../helpers/stores.js';
import { PG_SKIP_REASON } from '../helpers/stores.js';
import { hashesOf } from './field-hash-rows.js';
import { pendingMessages, type SyncHarness, TENANT, withSyncHarness } from './sync-harness.js';

/** The hasher before contact binding: every value hashed alike for all contacts, nothing upgraded. */
class UnboundHasher extends FieldHasher {
  override hash(_contactId: string, field: string, value: string | null): string {
    return this.matchHash(field, value);
  }
  override upgrade(_contactId: string, stored: string): string {
    return stored;
  }
}

/** The sync as the code before binding ran it: unbound hashes, states taken as stored. */
async function oldCode(h: SyncHarness): Promise<SyncContext> {
  const { key } = await h.t.app.keys.current(TENANT);
  return { ...h.ctx, hasher: new UnboundHasher(key), states: new ContactStateStore(h.t.app.store, h.clock) };
}

async function settleWith(h: SyncHarness, ctx: SyncContext): Promise<void> {
  for (let i = 0; i < 30; i++) {
    h.clock.advance(500);
    const r = await syncRound(ctx, { mailplusFrom: h.clock.now() - 1_000 });
    h.clock.advance(500);
    if (r.deliveredToDataverse + r.deliveredToMailplus === 0 && (await pendingMessages(h.t)) === 0) return;
    if (r.deliveredToDataverse + r.deliveredToMailplus === 0) h.clock.advance(1_000);
  }
  throw new Error('the old code did not settle');
}

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

/** A worker of the old code that dies after its Mail+ write, before recording it (short lease). */
function dyingAfterMailplusWrite(ctx: SyncContext): SyncContext {
  return {
    ...ctx,
    queue: override(ctx.queue, {
      claim: (options: Parameters<SyncContext['queue']['claim']>[0]) =>
        ctx.queue.claim({ ...options, leaseMs: 50 }),
    }),
    mailplus: override(ctx.mailplus, {
      upsertBatch: async (...args: Parameters<SyncContext['mailplus']['upsertBatch']>) => {
        await ctx.mailplus.upsertBatch(...args);
        throw new Error('killed after the remote write');
      },
    }),
  };
}

const bound = (hashes: string[]) => hashes.length > 0 && hashes.every((hash) => hash.startsWith('2:'));
const unbound = (hashes: string[]) => hashes.length > 0 && hashes.every((hash) => !hash.startsWith('2:'));

function upgrade(backend: Backend, skip: string | false) {
  it(
    `recognises states and messages of unbound hashes and binds a state when it is touched (${backend})`,
    {
      skip,
    },
    () =>
      withSyncHarness({ contacts: 12, backend }, async (h) => {
        const old = await oldCode(h);
        await settleWith(h, old);
        const ids = h.dataverse.admin.listContacts().map((row) => String(row.contactid));
        const [crashed, queued, fromMailplus, untouched, later] = ids as [
          string,
          string,
          string,
          string,
          string,
        ];
        assert.ok(unbound(await hashesOf(h, untouched)), 'the old code stored unbound hashes');
        // Old code, to leave every kind of state behind: a write to Mail+ that a crash kept from being
        // recorded (its echo is only known by the sent hash), and messages still queued both ways.
        h.dataverse.admin.updateContact(crashed, { jobtitle: 'Inkoper' });
        await pollDataverse(old);
        await assert.rejects(deliverToMailplus(dyingAfterMailplusWrite(old)), /killed/);
        assert.equal(h.mailplus.admin.contact(crashed)!.properties!.jobTitle, 'Inkoper');
        h.dataverse.admin.updateContact(queued, { firstname: 'Marloes' });
        h.mailplus.admin.edit(fromMailplus, { city: 'Zwolle' });
        h.clock.advance(500);
        await pollDataverse(old);
        await pollMailplus(old, 0);
        assert.ok((await pendingMessages(h.t)) >= 2, 'messages with unbound hashes wait in the queue');

        // The new code takes over.
        h.clock.advance(1_000);
        await h.settle();
        assert.equal(h.mailplus.admin.contact(queued)!.properties!.firstName, 'Marloes');
        assert.equal(h.dataverse.admin.getContact(fromMailplus)!.address1_city, 'Zwolle');
        assert.equal(h.dataverse.admin.getContact(crashed)!.jobtitle, 'Inkoper');
        assert.equal(h.ctx.stats.writtenToDataverse, 1, 'only the Mail+ edit; no echo taken for an edit');
        assert.equal(
          h.ctx.stats.conflictsResolved,
          0,
          'an unbound base is not mistaken for a newer agreement',
        );
        const idle = await h.round();
        assert.equal(idle.deliveredToMailplus + idle.deliveredToDataverse, 0, 'nothing left to write');
        for (const id of [crashed, queued, fromMailplus])
          assert.ok(bound(await hashesOf(h, id)), `${id} bound`);
        assert.ok(
          unbound(await hashesOf(h, untouched)),
          'no bulk rewrite: an untouched state stays as it was',
        );

        // An untouched state is recognised the day it is touched, and bound then.
        h.dataverse.admin.updateContact(later, { jobtitle: 'Directeur' });
        await h.settle();
        assert.equal(h.mailplus.admin.contact(later)!.properties!.jobTitle, 'Directeur');
        assert.equal(h.ctx.stats.writtenToDataverse, 1, 'the write did not come back as an edit');
        assert.ok(bound(await hashesOf(h, later)));
      }),
  );
}

describe('upgrading stored field hashes to contact-bound ones', () => {
  upgrade('sqlite', false);
  upgrade('postgres', PG_SKIP_REASON);
});
