import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Backend } from '../helpers/stores.js';
import { PG_SKIP_REASON } from '../helpers/stores.js';
import { TENANT, withSyncHarness } from './sync-harness.js';

/**
 * The field hashes are made with the tenant's data key. Had they followed its current version, a
 * rotation would make every stored hash unequal to a fresh one at the next start: unchanged fields
 * would look edited on both sides and the owner's stale value would overwrite the other side's edit.
 */
function rotation(backend: Backend, skip: string | false) {
  it(
    `keeps recognising agreed values after \`keys rotate-tenant\` and a restart (${backend})`,
    { skip },
    () =>
      withSyncHarness({ contacts: 10, backend }, async (h) => {
        await h.settle();
        const id = String(h.dataverse.admin.listContacts()[0]!.contactid);
        assert.equal(await h.t.app.keys.rotate(TENANT), 2);
        await h.engine.close();
        h.ctx = await h.engine.context(TENANT);
        // The person edits the city in Mail+ while someone edits the job title in Dataverse.
        h.mailplus.admin.edit(id, { city: 'Zwolle' });
        h.dataverse.admin.updateContact(id, { jobtitle: 'Inkoper' });
        await h.settle();
        assert.equal(h.mailplus.admin.contact(id)!.properties!.city, 'Zwolle', 'the Mail+ edit was kept');
        assert.equal(h.dataverse.admin.getContact(id)!.address1_city, 'Zwolle');
        assert.equal(h.mailplus.admin.contact(id)!.properties!.jobTitle, 'Inkoper');
        assert.equal(h.ctx.stats.conflictsResolved, 0, 'unchanged fields are not taken for edits');
      }),
  );
}

describe('field hashes across a tenant key rotation', () => {
  rotation('sqlite', false);
  rotation('postgres', PG_SKIP_REASON);
});
