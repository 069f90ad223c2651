import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { saveDefinitionForTenant } from '../../src/sync/mapper-for-tenant.js';
import { DEFAULT_FIELDS, DEFAULT_PERMISSIONS } from '../../src/sync/mapping/index.js';
import { TENANT, withSyncHarness } from './sync-harness.js';

describe('records the other side rejects', () => {
  it('are dead-lettered with a reason that names the field, while every other record flows', () =>
    withSyncHarness({ contacts: 12 }, async (h) => {
      const ids = h.dataverse.admin.listContacts().map((r) => String(r.contactid));
      h.dataverse.admin.updateContact(ids[0]!, { emailaddress1: 'geen-adres' });
      await h.settle();
      const dead = await h.t.app.queue.listDeadLetters();
      assert.deepEqual(
        dead.map((d) => d.key),
        [ids[0]],
      );
      assert.match(dead[0]!.description!, /emailaddress1 -> email/);
      assert.ok(!dead[0]!.description!.includes('geen-adres'), 'the reason names the field, never the value');
      const flowed = ids.slice(1).filter((id) => h.mailplus.admin.contact(id)?.properties?.email);
      assert.equal(flowed.length, 11, 'every other record arrived');
    }));

  it("are dead-lettered with Mail+'s reason when it refuses a property", () =>
    withSyncHarness({ contacts: 4 }, async (h) => {
      // A mapping to a Mail+ property this account does not have: Mail+ refuses the records.
      await saveDefinitionForTenant(h.t.app, TENANT, {
        scope: { kind: 'all-active' },
        fields: [
          ...DEFAULT_FIELDS,
          { dataverse: 'description', mailplus: 'notitie', direction: 'to-mailplus', category: 'background' },
        ],
        permissions: DEFAULT_PERMISSIONS,
      });
      await h.engine.close();
      await h.settle();
      const dead = await h.t.app.queue.listDeadLetters();
      assert.equal(dead.length, 4);
      for (const letter of dead) assert.match(letter.description!, /notitie/);
    }));

  it('dead-letters a Mail+ value too long for Dataverse, naming the field and the limit', () =>
    withSyncHarness({ contacts: 3 }, async (h) => {
      await h.settle();
      const [id] = h.dataverse.admin.listContacts().map((r) => String(r.contactid));
      h.mailplus.admin.edit(id!, { lastName: 'Lang'.repeat(20) });
      await h.settle();
      const [letter] = await h.t.app.queue.listDeadLetters();
      assert.equal(letter?.key, id);
      assert.match(letter!.description!, /lastname/);
      assert.match(letter!.description!, /50/);
    }));
});
