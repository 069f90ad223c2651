import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PG_SKIP_REASON } from '../helpers/stores.js';
import { startSyncHarness } from './sync-harness.js';

const TEN_PERCENT = {
  rateLimited: 0.04,
  serverError: 0.03,
  unavailable: 0.02,
  reset: 0.01,
  retryAfterSeconds: 1,
};

describe('two-way sync under 10% injected faults (429, 500, 503, connection resets)', () => {
  it('delivers everything in both directions', async () => {
    const h = await startSyncHarness({ contacts: 200, faults: TEN_PERCENT });
    try {
      await h.settle();
      assert.equal(h.mailplus.admin.contacts().length, 200, 'every contact arrived in Mail+');
      const ids = h.dataverse.admin.listContacts().map((r) => String(r.contactid));
      for (const id of ids.slice(0, 20)) h.dataverse.admin.updateContact(id, { jobtitle: 'Adviseur' });
      for (const id of ids.slice(20, 30)) h.mailplus.admin.unsubscribe(id, 1);
      await h.settle();
      for (const id of ids.slice(0, 20))
        assert.equal(h.mailplus.admin.contact(id)!.properties!.jobTitle, 'Adviseur');
      for (const id of ids.slice(20, 30))
        assert.equal(h.dataverse.admin.getContact(id)!.donotbulkemail, true);
      const faults =
        h.dataverse.admin.requestCounts().faultsInjected + h.mailplus.admin.requestCounts().faults;
      assert.ok(faults > 0, 'faults were injected');
      assert.deepEqual(await h.t.app.queue.listDeadLetters(), [], 'nothing given up');
    } finally {
      await h.close();
    }
  });
});

describe('a Mail+ that serves smaller updates-feed pages than koppel asks', () => {
  it('steps down to the size it serves, says so in the log, and loses no unsubscribe', async () => {
    const h = await startSyncHarness({ contacts: 250, mailplusMaxPageSize: 100 });
    try {
      await h.settle();
      assert.equal(h.mailplus.admin.contacts().length, 250);
      const ids = h.dataverse.admin.listContacts().map((r) => String(r.contactid));
      for (const id of ids.slice(0, 10)) h.mailplus.admin.unsubscribe(id, 1);
      await h.settle();
      for (const id of ids.slice(0, 10)) assert.equal(h.dataverse.admin.getContact(id)!.donotbulkemail, true);
      const refused = h
        .logs()
        .map((line) => JSON.parse(line))
        .filter((entry) => entry.event === 'mailplus.page-size-refused')
        .map((entry) => [entry.refused, entry.next]);
      assert.deepEqual(refused, [
        [5000, 2000],
        [2000, 1000],
        [1000, 500],
        [500, 200],
        [200, 100],
      ]);
      const sizes = h.mailplus.admin
        .requestLog()
        .filter((r) => r.route === 'GET /contact/updates/list' && r.status === 200)
        .map((r) => r.query.find(([name]) => name === 'pageSize')?.[1]);
      assert.ok(sizes.length > 3, 'the feed was read several times');
      assert.deepEqual(new Set(sizes), new Set(['100']), 'every served page was of 100');
    } finally {
      await h.close();
    }
  });
});

describe('two-way sync on PostgreSQL', { skip: PG_SKIP_REASON }, () => {
  it('loads, edits and unsubscribes the same as on SQLite', async () => {
    const h = await startSyncHarness({ contacts: 50, backend: 'postgres' });
    try {
      await h.settle();
      assert.equal(h.mailplus.admin.contacts().length, 50);
      const [a, b] = h.dataverse.admin.listContacts().map((r) => String(r.contactid));
      h.dataverse.admin.updateContact(a!, { firstname: 'Sanne' });
      h.mailplus.admin.unsubscribe(b!, 1);
      await h.settle();
      assert.equal(h.mailplus.admin.contact(a!)!.properties!.firstName, 'Sanne');
      assert.equal(h.dataverse.admin.getContact(b!)!.donotbulkemail, true);
    } finally {
      await h.close();
    }
  });
});
