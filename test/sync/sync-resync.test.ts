import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ManualClock } from '../../src/clock.js';
import { pollDataverse } from '../../src/sync/dataverse-poller.js';
import { DEFAULT_FIELDS, DEFAULT_PERMISSIONS } from '../../src/sync/mapping/index.js';
import type { CrmChangePage } from '../../src/sync/ports/index.js';
import type { SyncContext } from '../../src/sync/sync-context.js';
import { PG_SKIP_REASON } from '../helpers/stores.js';
import {
  type HarnessOptions,
  permission,
  propertiesHoldingData,
  type SyncHarness,
  TENANT,
  withSyncHarness,
} from './sync-harness.js';

/**
 * Dataverse keeps change-tracking tokens for a limited time (7 days by default, as the emulator). The
 * emulator runs on a clock of its own, so a test lets a token expire by moving that clock on; koppel's
 * own clock is the real one (the client renews its access token after the emulator's 401).
 */
const EIGHT_DAYS_MS = 8 * 24 * 3600 * 1000;

/** A harness whose initial load has settled, and the Dataverse clock to expire its change token with. */
function afterLoad(
  options: HarnessOptions,
  test: (h: SyncHarness, dataverseClock: ManualClock) => Promise<void>,
): Promise<void> {
  const clock = new ManualClock(Date.now());
  return withSyncHarness({ ...options, dataverseOptions: { clock } }, async (h) => {
    await h.settle();
    await test(h, clock);
  });
}

/** The engine's log entries with this event. */
const events = (h: SyncHarness, event: string) =>
  h
    .logs()
    .map((line) => JSON.parse(line) as { event?: string; deleted?: number })
    .filter((entry) => entry.event === event);

/** The contact ids in Dataverse's paging order (by contactid). */
const sortedIds = (h: SyncHarness) =>
  h.dataverse.admin
    .listContacts()
    .map((row) => String(row.contactid))
    .sort();

/** Every contact each successful Mail+ bulk write carried, since the request log was last reset. */
function bulkWritten(h: SyncHarness): string[] {
  return h.mailplus.admin
    .requestLog()
    .filter((r) => r.route === 'POST /contact/list' && r.status === 200)
    .flatMap((r) => (JSON.parse(r.body) as { contacts: Array<{ externalId: string }> }).contacts)
    .map((contact) => contact.externalId);
}

const anonymizeCalls = (h: SyncHarness) =>
  h.mailplus.admin.requestLog().filter((r) => r.route === 'PUT /contact/anonymize/{externalId}').length;

/** Successful reads of contact pages (full or delta) since the request log was last reset. */
const contactPageReads = (h: SyncHarness) =>
  h.dataverse.admin
    .requestLog()
    .filter((r) => r.method === 'GET' && r.path === 'contacts' && r.status === 200).length;

/** Each Mail+ contact's properties, to tell which ones a resync touched. */
function mailplusSnapshot(h: SyncHarness): Map<string, string> {
  return new Map(h.mailplus.admin.contacts().map((c) => [c.externalId, JSON.stringify(c.properties)]));
}

/** Asserts that only `changed` differ in Mail+ from `before`. */
function onlyTheseChanged(h: SyncHarness, before: Map<string, string>, changed: readonly string[]): void {
  const after = mailplusSnapshot(h);
  assert.equal(after.size, before.size, 'no Mail+ contact created');
  const differing = [...after].filter(([id, properties]) => before.get(id) !== properties).map(([id]) => id);
  assert.deepEqual(differing.sort(), [...changed].sort());
}

/**
 * `ctx` whose Dataverse client "dies" after handing out `pages` change pages in all: the next page is
 * not even requested, as when the process is killed while it enqueues the page before.
 */
function dyingAfterPages(ctx: SyncContext, pages: number): SyncContext {
  let served = 0;
  async function* cut(pages$: AsyncIterable<CrmChangePage>): AsyncGenerator<CrmChangePage> {
    const source = pages$[Symbol.asyncIterator]();
    for (;;) {
      if (served === pages) {
        await source.return?.();
        throw new Error('simulated crash');
      }
      const next = await source.next();
      if (next.done) return;
      served++;
      yield next.value;
    }
  }
  const dataverse = new Proxy(ctx.dataverse, {
    get(target, property) {
      if (property === 'changes')
        return (...args: Parameters<SyncContext['dataverse']['changes']>) => cut(target.changes(...args));
      const value = Reflect.get(target, property, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  return { ...ctx, dataverse };
}

describe('full resync after an expired change-tracking token', () => {
  it('reads everything again: the edits arrive, unchanged contacts cost no Mail+ write, and the next round reads a fresh delta link', () =>
    afterLoad({ contacts: 20 }, async (h, dataverseClock) => {
      const edited = sortedIds(h).slice(3, 6);
      dataverseClock.advance(EIGHT_DAYS_MS);
      for (const id of edited) h.dataverse.admin.updateContact(id, { jobtitle: 'Inkoper' });
      const before = mailplusSnapshot(h);
      h.mailplus.admin.resetRequests();
      h.dataverse.admin.resetRequestLog();

      const round = await h.round();
      assert.equal(round.dataverseRead, 20, 'every contact was read again');
      assert.deepEqual(
        h.dataverse.admin.requestLog().map((r) => [r.method, r.status]),
        [
          ['GET', 401],
          ['GET', 400],
          ['GET', 200],
        ],
        'the access token is renewed, the delta link refused, then one full read',
      );
      assert.equal(events(h, 'sync.resync').length, 1, 'the resync is logged');
      await h.settle();
      for (const id of edited) assert.equal(h.mailplus.admin.contact(id)!.properties!.jobTitle, 'Inkoper');
      assert.deepEqual(bulkWritten(h).sort(), [...edited].sort(), 'only the edited contacts were written');
      onlyTheseChanged(h, before, edited);
      assert.equal(anonymizeCalls(h), 0);
      assert.deepEqual(
        events(h, 'sync.resync-done').map((e) => e.deleted),
        [0],
      );

      h.dataverse.admin.resetRequestLog();
      const idle = await h.round();
      assert.equal(idle.dataverseRead, 0);
      assert.deepEqual(
        h.dataverse.admin.requestLog().map((r) => [r.method, r.path, r.status]),
        [['GET', 'contacts', 200]],
        'an idle round reads one delta page with the fresh link',
      );
      assert.equal(events(h, 'sync.resync').length, 1, 'no second resync');
    }));

  it('removes from Mail+ the contacts deleted in Dataverse while the token was expired, and leaves the others alone', () =>
    afterLoad({ contacts: 20 }, async (h, dataverseClock) => {
      const ids = sortedIds(h);
      const deleted = [ids[2]!, ids[17]!];
      const deactivated = ids[9]!;
      dataverseClock.advance(EIGHT_DAYS_MS);
      for (const id of deleted) h.dataverse.admin.deleteContact(id);
      h.dataverse.admin.updateContact(deactivated, { statecode: 1, statuscode: 2 });
      const before = mailplusSnapshot(h);
      h.mailplus.admin.resetRequests();

      await h.settle();
      assert.equal(events(h, 'sync.resync').length, 1);
      for (const id of [...deleted, deactivated]) {
        assert.deepEqual(propertiesHoldingData(h, id), [], `${id} anonymized: no personal property left`);
      }
      onlyTheseChanged(h, before, [...deleted, deactivated]);
      assert.equal(anonymizeCalls(h), 3, 'each removed once');
      assert.deepEqual(bulkWritten(h), [], 'nobody else was written');
      assert.deepEqual(
        events(h, 'sync.resync-done').map((e) => e.deleted),
        [2],
      );
      const states = await h.ctx.states.getMany(TENANT, deleted);
      for (const id of deleted) assert.equal(states.get(id)!.inMailplus, false, 'koppel forgot it');
      assert.equal(h.ctx.stats.deadLettered, 0);
    }));

  it("withdraws the permissions of a contact deleted while the token was expired, when the tenant's definition says so", () =>
    afterLoad({ contacts: 6 }, async (h, dataverseClock) => {
      await h.useDefinition({
        scope: { kind: 'all-active' },
        fields: DEFAULT_FIELDS,
        permissions: DEFAULT_PERMISSIONS,
        onDataverseDelete: 'withdraw-permissions',
      });
      const id = sortedIds(h).find((candidate) => permission(h, candidate, 1) === true)!;
      const email = h.mailplus.admin.contact(id)!.properties!.email;
      dataverseClock.advance(EIGHT_DAYS_MS);
      h.dataverse.admin.deleteContact(id);
      h.mailplus.admin.resetRequests();

      await h.settle();
      assert.equal(permission(h, id, 1), false, 'the newsletter permission is withdrawn');
      assert.equal(h.mailplus.admin.contact(id)!.properties!.email, email, 'the contact keeps its e-mail');
      assert.equal(anonymizeCalls(h), 0);
      assert.deepEqual(bulkWritten(h), [id], 'only the withdrawal was written');
    }));

  it('resumes after a crash at the next page, and removes only what the resync did not read', () =>
    afterLoad({ contacts: 10_200 }, async (h, dataverseClock) => {
      const ids = sortedIds(h);
      // Pages of 5000 in contactid order: 0-4999, 5000-9999, 10000-10199.
      const deleted = [ids[1_234]!, ids[10_100]!];
      const edited = ids[7_000]!;
      dataverseClock.advance(EIGHT_DAYS_MS);
      for (const id of deleted) h.dataverse.admin.deleteContact(id);
      h.dataverse.admin.updateContact(edited, { jobtitle: 'Inkoper' });
      const before = mailplusSnapshot(h);
      h.mailplus.admin.resetRequests();
      h.dataverse.admin.resetRequestLog();

      await assert.rejects(pollDataverse(dyingAfterPages(h.ctx, 1)), /simulated crash/);
      assert.match((await h.ctx.checkpoints.get(TENANT, 'dataverse')) ?? '', /skiptoken/i, 'at page 2');
      assert.equal(contactPageReads(h), 1, 'the crash came before page 2 was read');
      // Deleted after its page was read: the next delta, not the resync, reports it.
      const deletedAfterRead = ids[10]!;
      h.dataverse.admin.deleteContact(deletedAfterRead);

      const resumed = await pollDataverse(h.ctx);
      assert.equal(resumed.read, 5_198, 'pages 2 and 3 only');
      assert.equal(resumed.resynced, true);
      assert.equal(contactPageReads(h), 3, 'three pages of the full read in all');
      assert.equal(events(h, 'sync.resync').length, 1, 'not started over');
      assert.equal(events(h, 'sync.resync-resumed').length, 1);
      assert.deepEqual(
        events(h, 'sync.resync-done').map((e) => e.deleted),
        [2],
        'none of the 5000 contacts read before the crash counts as deleted',
      );

      await h.settle();
      const removed = [...deleted, deletedAfterRead];
      for (const id of removed) assert.deepEqual(propertiesHoldingData(h, id), [], `${id} anonymized`);
      onlyTheseChanged(h, before, [...removed, edited]);
      assert.equal(anonymizeCalls(h), 3);
      assert.deepEqual(bulkWritten(h), [edited]);
      assert.equal(h.mailplus.admin.contact(edited)!.properties!.jobTitle, 'Inkoper');
    }));
});

describe('full resync on PostgreSQL', { skip: PG_SKIP_REASON }, () => {
  it('removes the contacts deleted while the token was expired and writes nobody else', () =>
    afterLoad({ contacts: 20, backend: 'postgres' }, async (h, dataverseClock) => {
      const ids = sortedIds(h);
      const deleted = [ids[0]!, ids[11]!];
      const edited = ids[5]!;
      dataverseClock.advance(EIGHT_DAYS_MS);
      for (const id of deleted) h.dataverse.admin.deleteContact(id);
      h.dataverse.admin.updateContact(edited, { jobtitle: 'Inkoper' });
      const before = mailplusSnapshot(h);
      h.mailplus.admin.resetRequests();

      await h.settle();
      for (const id of deleted) assert.deepEqual(propertiesHoldingData(h, id), [], `${id} anonymized`);
      onlyTheseChanged(h, before, [...deleted, edited]);
      assert.deepEqual(bulkWritten(h), [edited]);
      assert.equal(anonymizeCalls(h), 2);
    }));
});
