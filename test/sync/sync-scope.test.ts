import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEFAULT_FIELDS, DEFAULT_PERMISSIONS } from '../../src/sync/mapping/index.js';
import { startSyncHarness } from './sync-harness.js';

describe('sync scope', () => {
  it('marketing list: only members are synced; joiners arrive and leavers are removed within a round', async () => {
    const h = await startSyncHarness({ contacts: 10 });
    try {
      const ids = h.dataverse.admin.listContacts().map((r) => String(r.contactid));
      const list = h.dataverse.admin.createList('Nieuwsbrief');
      h.dataverse.admin.addListMembers(list.listid, ids.slice(0, 4));
      await h.useDefinition({
        scope: { kind: 'marketing-list', listId: list.listid },
        fields: DEFAULT_FIELDS,
        permissions: DEFAULT_PERMISSIONS,
      });
      await h.settle();
      const inMailplus = () =>
        h.mailplus.admin
          .contacts()
          .filter((c) => c.properties?.email)
          .map((c) => c.externalId);
      assert.deepEqual(new Set(inMailplus()), new Set(ids.slice(0, 4)));

      h.dataverse.admin.addListMembers(list.listid, [ids[6]!]);
      h.dataverse.admin.removeListMembers(list.listid, [ids[0]!]);
      await h.settle();
      assert.deepEqual(
        new Set(inMailplus()),
        new Set([...ids.slice(1, 4), ids[6]!]),
        'joiner synced, leaver removed',
      );
      h.dataverse.admin.updateContact(ids[8]!, { firstname: 'Buiten' });
      await h.settle();
      assert.equal(
        h.mailplus.admin.contact(ids[8]!),
        undefined,
        'an edit outside the list stays out of Mail+',
      );
    } finally {
      await h.close();
    }
  });

  it('boolean column: only contacts with the flag set are synced', async () => {
    const h = await startSyncHarness({ contacts: 6 });
    try {
      const ids = h.dataverse.admin.listContacts().map((r) => String(r.contactid));
      for (const id of ids.slice(0, 2)) h.dataverse.admin.updateContact(id, { donotphone: true });
      await h.useDefinition({
        scope: { kind: 'boolean-column', column: 'donotphone' },
        fields: DEFAULT_FIELDS,
        permissions: DEFAULT_PERMISSIONS,
      });
      await h.settle();
      assert.deepEqual(
        new Set(h.mailplus.admin.contacts().map((c) => c.externalId)),
        new Set(ids.slice(0, 2)),
      );
    } finally {
      await h.close();
    }
  });
});
