import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { startSyncHarness } from './sync-harness.js';

describe('initial load against a Mail+ account that already has contacts', () => {
  it('matches by externalId, then by e-mail; reports ambiguous matches; never re-subscribes', async () => {
    const h = await startSyncHarness({ contacts: 6 });
    try {
      const rows = h.dataverse.admin.listContacts();
      const [byId, byEmail, ambiguous] = rows;
      // Contacts another system created before koppel: one under the contactid, one under its own id
      // with the same e-mail address (and the newsletter switched off), and two sharing one address.
      const existing = await h.ctx.mailplus.upsertBatch([
        {
          externalId: String(byId!.contactid),
          properties: { email: String(byId!.emailaddress1), firstName: 'Oud' },
        },
        {
          externalId: 'crm-legacy-17',
          properties: {
            email: String(byEmail!.emailaddress1).toUpperCase(),
            permissions: [{ bit: 1, enabled: false }],
          },
        },
        { externalId: 'legacy-a', properties: { email: String(ambiguous!.emailaddress1) } },
        { externalId: 'legacy-b', properties: { email: String(ambiguous!.emailaddress1) } },
      ]);
      assert.ok(existing.every((o) => o.status === 'written'));

      await h.settle();
      const ids = h.mailplus.admin.contacts().map((c) => c.externalId);
      assert.equal(ids.length, 4 + 3, 'three new contacts; the matched ones were not duplicated');
      assert.ok(!ids.includes(String(byEmail!.contactid)), 'the e-mail match was linked, not copied');
      assert.equal(h.mailplus.admin.contact(String(byId!.contactid))!.properties!.firstName, byId!.firstname);
      const legacy = h.mailplus.admin.contact('crm-legacy-17')!.properties!;
      assert.equal(legacy.firstName, byEmail!.firstname, 'Dataverse data went to the linked contact');
      const newsletter = (legacy.permissions as Array<{ bit: number; enabled: boolean }>).find(
        (p) => p.bit === 1,
      );
      assert.equal(newsletter?.enabled, false, 'a permission switched off before koppel stays off');
      const [letter] = await h.t.app.queue.listDeadLetters();
      assert.equal(letter?.key, String(ambiguous!.contactid));
      assert.match(letter!.description!, /ambiguous match: 2 Mail\+ contacts/);

      // Later edits keep following the link, both ways.
      h.dataverse.admin.updateContact(String(byEmail!.contactid), { jobtitle: 'Teamleider' });
      h.mailplus.admin.unsubscribe(String(byId!.contactid), 1);
      await h.settle();
      assert.equal(h.mailplus.admin.contact('crm-legacy-17')!.properties!.jobTitle, 'Teamleider');
      assert.equal(h.dataverse.admin.getContact(String(byId!.contactid))!.donotbulkemail, true);
      assert.equal(
        await h.t.app.store.db
          .selectFrom('sync_mailplus_index')
          .selectAll()
          .execute()
          .then((r) => r.length),
        0,
        'the index is dropped after the load',
      );
    } finally {
      await h.close();
    }
  });
});
