import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Backend } from '../helpers/stores.js';
import { PG_SKIP_REASON } from '../helpers/stores.js';
import { contactsByHash, storedHashes } from './field-hash-rows.js';
import { withSyncHarness } from './sync-harness.js';

const SURNAMES = ['Jansen', 'de Vries', 'Bakker'];

/**
 * Issue 11 item 7: stored field hashes equal for equal values across contacts let anyone with the
 * database count them and read the most common surnames off the frequencies.
 */
function noSharedHashes(backend: Backend, skip: string | false) {
  it(
    `stores no field hash that two contacts share, for 200 contacts with 3 surnames (${backend})`,
    {
      skip,
    },
    () =>
      withSyncHarness({ contacts: 200, backend }, async (h) => {
        const ids = h.dataverse.admin.listContacts().map((row) => String(row.contactid));
        for (const [i, id] of ids.entries())
          h.dataverse.admin.updateContact(id, { lastname: SURNAMES[i % SURNAMES.length] });
        await h.settle();
        const hashes = await storedHashes(h);
        const lastNames = hashes.filter((s) => s.field === 'lastName');
        // Inactive seed contacts are out of scope and never hashed; the rest share three surnames.
        assert.ok(
          new Set(lastNames.map((s) => s.contactId)).size >= 150,
          'the contacts have last-name hashes',
        );
        const shared = [...contactsByHash(hashes)].filter(([, contacts]) => contacts.size > 1);
        assert.deepEqual(
          shared.map(([key, contacts]) => `${key.split(' ')[0]} x${contacts.size}`).slice(0, 5),
          [],
          'a hash held by several contacts gives their common value away by its frequency',
        );
        // Within one contact the hashes still compare: the load settled and nothing echoed back.
        assert.equal(h.ctx.stats.writtenToDataverse, 0);
        const idle = await h.round();
        assert.equal(idle.deliveredToMailplus + idle.deliveredToDataverse, 0);
      }),
  );
}

describe('field hashes bound to their contact', () => {
  noSharedHashes('sqlite', false);
  noSharedHashes('postgres', PG_SKIP_REASON);
});
