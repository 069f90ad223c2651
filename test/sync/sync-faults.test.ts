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
