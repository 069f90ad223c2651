import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { permission, propertiesHoldingData, type SyncHarness, startSyncHarness } from './sync-harness.js';

describe('two-way sync on the emulators', () => {
  let h: SyncHarness;
  let ids: string[];

  before(async () => {
    h = await startSyncHarness({ contacts: 30 });
    ids = h.dataverse.admin.listContacts().map((row) => String(row.contactid));
  });
  after(async () => h.close());

  it('loads every in-scope contact into Mail+ once, keyed by contactid, with mapped values', async () => {
    await h.settle();
    const contacts = h.mailplus.admin.contacts();
    assert.equal(contacts.length, 30);
    assert.deepEqual(new Set(contacts.map((c) => c.externalId)), new Set(ids));
    const row = h.dataverse.admin.getContact(ids[0]!)!;
    const mp = h.mailplus.admin.contact(ids[0]!)!.properties!;
    assert.equal(mp.firstName, row.firstname);
    assert.equal(mp.lastName, row.lastname);
    assert.equal(String(mp.email).toLowerCase(), String(row.emailaddress1).toLowerCase());
    assert.equal(permission(h, ids[0]!, 1), true, 'allowed bulk e-mail in Dataverse -> permission on');
  });

  it('is idle when nothing changed: no writes, our own writes are not echoed back', async () => {
    h.mailplus.admin.resetRequests();
    const r = await h.round();
    assert.equal(r.deliveredToMailplus, 0);
    assert.equal(r.deliveredToDataverse, 0);
    assert.equal(h.ctx.stats.writtenToDataverse, 0, 'the initial load never bounced back to Dataverse');
  });

  it('carries a Dataverse edit to Mail+ and not back again', async () => {
    h.dataverse.admin.updateContact(ids[1]!, { firstname: 'Marloes', jobtitle: 'Inkoper' });
    await h.settle();
    const mp = h.mailplus.admin.contact(ids[1]!)!.properties!;
    assert.equal(mp.firstName, 'Marloes');
    assert.equal(mp.jobTitle, 'Inkoper');
    assert.equal(h.ctx.stats.writtenToDataverse, 0);
  });

  it('keeps the same person when the e-mail address changes', async () => {
    h.dataverse.admin.updateContact(ids[2]!, { emailaddress1: 'nieuw.adres.2@example.org' });
    await h.settle();
    assert.equal(h.mailplus.admin.contact(ids[2]!)!.properties!.email, 'nieuw.adres.2@example.org');
    assert.equal(h.mailplus.admin.contacts().length, 30, 'no new subscriber');
  });

  it('carries an unsubscribe and a global opt-out in Mail+ to "do not bulk e-mail" in Dataverse', async () => {
    h.mailplus.admin.unsubscribe(ids[3]!, 1);
    h.mailplus.admin.optOut(ids[4]!);
    await h.settle();
    assert.equal(h.dataverse.admin.getContact(ids[3]!)!.donotbulkemail, true);
    assert.equal(h.dataverse.admin.getContact(ids[4]!)!.donotbulkemail, true);
  });

  it('never re-subscribes someone who opted out, whatever Dataverse says later', async () => {
    h.dataverse.admin.updateContact(ids[3]!, { donotbulkemail: false, firstname: 'Wil' });
    h.dataverse.admin.updateContact(ids[4]!, { donotbulkemail: false });
    await h.settle();
    assert.equal(permission(h, ids[3]!, 1), false, 'the withdrawn permission stays off');
    assert.equal(h.mailplus.admin.contact(ids[3]!)!.properties!.firstName, 'Wil', 'other data still flows');
    assert.equal(permission(h, ids[4]!, 1), false, 'the global opt-out stays');
  });

  it('anonymizes in Mail+ a contact deleted, deactivated or marked "do not bulk e-mail" in Dataverse', async () => {
    h.dataverse.admin.deleteContact(ids[5]!);
    h.dataverse.admin.updateContact(ids[6]!, { statecode: 1, statuscode: 2 });
    h.dataverse.admin.updateContact(ids[7]!, { donotbulkemail: true });
    await h.settle();
    for (const id of [ids[5]!, ids[6]!, ids[7]!]) {
      assert.deepEqual(propertiesHoldingData(h, id), [], `${id} anonymized: no personal property left`);
    }
    await h.settle();
    const deactivated = h.dataverse.admin.getContact(ids[6]!)!;
    assert.ok(
      deactivated.firstname && deactivated.emailaddress1,
      'the emptied Mail+ record never flows back to Dataverse',
    );
    assert.equal(h.ctx.stats.deadLettered, 0);
  });

  it('settles an edit of the same field on both sides by the field owner (Dataverse for names)', async () => {
    h.dataverse.admin.updateContact(ids[8]!, { lastname: 'Bakker' });
    h.mailplus.admin.edit(ids[8]!, { lastName: 'Visser', city: 'Gent' });
    await h.settle();
    assert.equal(h.dataverse.admin.getContact(ids[8]!)!.lastname, 'Bakker');
    assert.equal(h.mailplus.admin.contact(ids[8]!)!.properties!.lastName, 'Bakker');
    assert.equal(
      h.dataverse.admin.getContact(ids[8]!)!.address1_city,
      'Gent',
      'the edit without conflict flows',
    );
    assert.equal(h.mailplus.admin.contact(ids[8]!)!.properties!.city, 'Gent');
  });

  it('dead-letters a record the other side rejects, with the reason, while the rest flows', async () => {
    h.dataverse.admin.updateContact(ids[9]!, { emailaddress1: 'not-an-address' });
    h.dataverse.admin.updateContact(ids[10]!, { firstname: 'Femke' });
    await h.settle();
    assert.equal(h.mailplus.admin.contact(ids[10]!)!.properties!.firstName, 'Femke');
    const dead = await h.t.app.queue.listDeadLetters();
    const letter = dead.find((d) => d.key === ids[9]);
    assert.ok(letter, 'the bad record is dead-lettered');
    assert.match(letter.description ?? '', /e-?mail/i);
    assert.ok(
      !(letter.description ?? '').includes('not-an-address'),
      'the reason names the field, not the value',
    );
  });
});

describe('two-way sync: company name through the parentcustomerid lookup', () => {
  it('sends the account name to Mail+ as organisation', async () => {
    const h = await startSyncHarness({ contacts: 3 });
    try {
      await h.settle();
      for (const row of h.dataverse.admin.listContacts()) {
        const organisation = h.mailplus.admin.contact(String(row.contactid))!.properties!.organisation;
        assert.equal(typeof organisation, 'string');
        assert.ok(String(organisation).length > 0);
      }
    } finally {
      await h.close();
    }
  });
});
