import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { indexMailplusOnce, matchPage } from '../../src/sync/initial-match.js';
import { type SyncHarness, startSyncHarness, TENANT, withSyncHarness } from './sync-harness.js';

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

describe('initial load with two Dataverse contacts sharing the address of one existing Mail+ contact', () => {
  it('reports both as ambiguous, links neither, leaves the Mail+ contact alone and creates no duplicate', () =>
    withSyncHarness({ contacts: 6 }, async (h) => {
      const [first, second, ...others] = h.dataverse.admin.listContacts().map((r) => String(r.contactid));
      const address = String(h.dataverse.admin.getContact(first!)!.emailaddress1);
      // Two CRM records of one person, and the subscriber another system created for that person.
      h.dataverse.admin.updateContact(second!, { emailaddress1: address });
      await existingMailplusContact(h, 'crm-legacy-9', { email: address.toUpperCase(), firstName: 'Oud' });

      await h.settle();

      const dead = await h.t.app.queue.listDeadLetters();
      assert.deepEqual(dead.map((d) => d.key).sort(), [first, second].sort(), 'both CRM records reported');
      for (const letter of dead) {
        assert.match(
          letter.description!,
          /ambiguous match: the one Mail\+ contact .* stands for another Dataverse contact too.*Merge the duplicate contacts in Dataverse/,
        );
        assert.ok(
          !letter.description!.toLowerCase().includes(address.toLowerCase()),
          'no address in the reason',
        );
      }
      assert.equal(subscribersWith(h, address).length, 1, 'no second subscriber with the address');
      assert.equal(h.mailplus.admin.contact(first!), undefined);
      assert.equal(h.mailplus.admin.contact(second!), undefined);
      assert.equal(h.mailplus.admin.contact('crm-legacy-9')!.properties!.firstName, 'Oud', 'nothing merged');
      assert.deepEqual(await linksTo(h, 'crm-legacy-9'), [], 'the Mail+ contact is linked to neither');
      for (const id of others) assert.ok(h.mailplus.admin.contact(id)?.properties?.email, 'the rest flowed');
    }));

  it('does not link by e-mail a Mail+ contact that belongs to another Dataverse contact by externalId', () =>
    withSyncHarness({ contacts: 4 }, async (h) => {
      const [owner, namesake] = h.dataverse.admin.listContacts();
      const ownerId = String(owner!.contactid);
      const namesakeId = String(namesake!.contactid);
      const address = String(owner!.emailaddress1);
      h.dataverse.admin.updateContact(namesakeId, { emailaddress1: address });
      // The owner was synced before, by another tool that also used the contactid as externalId.
      await existingMailplusContact(h, ownerId, { email: address, firstName: 'Oud' });

      await h.settle();

      const dead = await h.t.app.queue.listDeadLetters();
      assert.deepEqual(
        dead.map((d) => d.key),
        [namesakeId],
      );
      assert.match(dead[0]!.description!, /ambiguous match/);
      assert.equal(h.mailplus.admin.contact(ownerId)!.properties!.firstName, owner!.firstname, 'owner data');
      assert.equal(h.mailplus.admin.contact(namesakeId), undefined, 'the namesake was not created');
      assert.equal(subscribersWith(h, address).length, 1);
      assert.deepEqual(await linksTo(h, ownerId), [], 'the namesake was not linked to the owner');
    }));

  it('reports a contact of a later page whose address matches a Mail+ contact linked on an earlier page', () =>
    withSyncHarness({ contacts: 3 }, async (h) => {
      const [first, second] = h.dataverse.admin.listContacts().map((r) => String(r.contactid));
      const address = String(h.dataverse.admin.getContact(first!)!.emailaddress1);
      h.dataverse.admin.updateContact(second!, { emailaddress1: address });
      await existingMailplusContact(h, 'crm-legacy-9', { email: address });
      await indexMailplusOnce(h.ctx);
      const row = (id: string) => ({ id, fields: h.dataverse.admin.getContact(id)! });

      // Pages are matched one at a time: the first links, the second must not be linked too.
      const page1 = await matchPage(h.ctx, [row(first!)]);
      assert.equal(page1.existing.get(first!)?.mailplusId, 'crm-legacy-9');
      assert.deepEqual(await h.ctx.identities.link(TENANT, new Map([[first!, 'crm-legacy-9']])), []);
      const page2 = await matchPage(h.ctx, [row(second!)]);
      assert.equal(page2.existing.has(second!), false, 'not linked to a contact that is taken');
      assert.ok(page2.ambiguous.has(second!), 'reported');
      // Re-reading the first page (a resumed load) still finds its own link.
      assert.equal((await matchPage(h.ctx, [row(first!)])).existing.get(first!)?.mailplusId, 'crm-legacy-9');
    }));

  it('refuses, and says so, a link to a Mail+ contact linked to another Dataverse contact', () =>
    withSyncHarness({ contacts: 1 }, async (h) => {
      const ids = h.ctx.identities;
      assert.deepEqual(await ids.link(TENANT, new Map([['contact-a', 'legacy-1']])), []);
      const refused = await ids.link(
        TENANT,
        new Map([
          ['contact-b', 'legacy-1'],
          ['contact-c', 'legacy-2'],
        ]),
      );
      assert.deepEqual(refused, ['contact-b']);
      assert.equal((await ids.toMailplus(TENANT, ['contact-b'])).get('contact-b'), 'contact-b');
      assert.deepEqual(await ids.link(TENANT, new Map([['contact-a', 'legacy-1']])), [], 'a re-link is fine');
    }));
});

async function existingMailplusContact(
  h: SyncHarness,
  externalId: string,
  properties: Record<string, unknown>,
): Promise<void> {
  const [outcome] = await h.ctx.mailplus.upsertBatch([{ externalId, properties }]);
  assert.equal(outcome?.status, 'written');
}

function subscribersWith(h: SyncHarness, address: string) {
  return h.mailplus.admin
    .contacts()
    .filter((c) => String(c.properties?.email ?? '').toLowerCase() === address.toLowerCase());
}

async function linksTo(h: SyncHarness, mailplusId: string): Promise<string[]> {
  const rows = await h.t.app.store.db
    .selectFrom('sync_identities')
    .select('contact_id')
    .where('mailplus_id', '=', mailplusId)
    .execute();
  return rows.map((r) => r.contact_id);
}
