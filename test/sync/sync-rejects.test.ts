import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEFAULT_ACCOUNT_PROPERTIES } from '../../src/emulators/mailplus/index.js';
import { DEFAULT_FIELDS, DEFAULT_PERMISSIONS, type FieldMapping } from '../../src/sync/mapping/index.js';
import { QUEUE_TO_DATAVERSE, QUEUE_TO_MAILPLUS } from '../../src/sync/sync-mapper.js';
import { type SyncHarness, withSyncHarness } from './sync-harness.js';

// Every case: one poison record in a batch of several. It is dead-lettered with a reason that names
// the field and the rule (never the value), and the others of the same batch arrive.

describe('records koppel itself refuses before writing', () => {
  it('dead-letters an invalid e-mail address for Mail+ while the other 11 of its batch arrive', () =>
    withSyncHarness({ contacts: 12 }, async (h) => {
      const [poison, ...rest] = contactIds(h);
      h.dataverse.admin.updateContact(poison!, { emailaddress1: 'geen-adres' });
      await h.settle();
      await assertOnlyDeadLetter(h, poison!, [/emailaddress1 -> email/], 'geen-adres');
      assert.equal(h.mailplus.admin.contact(poison!), undefined);
      for (const id of rest) assert.ok(h.mailplus.admin.contact(id)?.properties?.email, 'arrived');
      assert.deepEqual(settledBatches(h, QUEUE_TO_MAILPLUS), [{ done: 11, failed: 1 }], 'one batch');
    }));

  it('dead-letters a value too long for a Mail+ text property, naming the field and 255', () =>
    withSyncHarness(
      {
        contacts: 4,
        // An account with a custom text field; Mail+ text fields hold at most 255 characters.
        mailplusOptions: {
          properties: [
            ...DEFAULT_ACCOUNT_PROPERTIES,
            { name: 'notitie', description: 'Notitie', type: 'string' },
          ],
        },
      },
      async (h) => {
        await mapAlso(h, { dataverse: 'description', mailplus: 'notitie', direction: 'to-mailplus' });
        const [poison, short, ...rest] = contactIds(h);
        const tooLong = 'Lange notitie over een synthetisch persoon. '.repeat(7);
        assert.ok(tooLong.length > 255 && tooLong.length <= 2000, 'fits Dataverse, not Mail+');
        h.dataverse.admin.updateContact(poison!, { description: tooLong });
        h.dataverse.admin.updateContact(short!, { description: 'Korte notitie' });
        await h.settle();
        await assertOnlyDeadLetter(h, poison!, [/description -> notitie/, /255/], tooLong.trim());
        assert.equal(h.mailplus.admin.contact(poison!), undefined);
        assert.equal(h.mailplus.admin.contact(short!)!.properties!.notitie, 'Korte notitie');
        for (const id of rest) assert.ok(h.mailplus.admin.contact(id)?.properties?.email, 'arrived');
        assert.deepEqual(settledBatches(h, QUEUE_TO_MAILPLUS), [{ done: 3, failed: 1 }], 'one batch');
      },
    ));

  it('dead-letters a Mail+ value too long for Dataverse, naming the field and 50, while other edits arrive', () =>
    withSyncHarness({ contacts: 3 }, async (h) => {
      await h.settle();
      const [poison, ...rest] = contactIds(h);
      const tooLong = 'Lang'.repeat(20);
      h.mailplus.admin.edit(poison!, { lastName: tooLong, jobTitle: 'Teamleider' });
      for (const id of rest) h.mailplus.admin.edit(id, { jobTitle: 'Teamleider' });
      await h.settle();
      await assertOnlyDeadLetter(h, poison!, [/lastName -> lastname/, /50/], tooLong);
      assert.notEqual(h.dataverse.admin.getContact(poison!)!.jobtitle, 'Teamleider', 'nothing of it written');
      for (const id of rest) assert.equal(h.dataverse.admin.getContact(id)!.jobtitle, 'Teamleider');
      assert.deepEqual(settledBatches(h, QUEUE_TO_DATAVERSE), [{ done: 2, failed: 1 }], 'one batch');
    }));
});

describe('records the other side refuses in a bulk write', () => {
  it("dead-letters a contact Mail+ refuses in a bulk call, with Mail+'s reason, while the rest of the call is written", () =>
    withSyncHarness({ contacts: 4 }, async (h) => {
      // A text column mapped to a numeric Mail+ field: koppel passes text on; Mail+ checks the number.
      await mapAlso(h, { dataverse: 'employeeid', mailplus: 'customerNumber', direction: 'to-mailplus' });
      const [poison, numbered, ...rest] = contactIds(h);
      h.dataverse.admin.updateContact(poison!, { employeeid: 'K-0042' });
      h.dataverse.admin.updateContact(numbered!, { employeeid: '4711' });
      await h.settle();
      await assertOnlyDeadLetter(h, poison!, [/PROPERTY_INVALID/, /customerNumber/], 'K-0042');
      const bulk = h.mailplus.admin.requestLog().filter((r) => r.route === 'POST /contact/list');
      assert.equal(bulk.length, 1, 'one bulk call carried all four');
      for (const id of contactIds(h)) assert.ok(bulk[0]!.body.includes(id));
      assert.equal(h.mailplus.admin.contact(poison!), undefined);
      assert.equal(Number(h.mailplus.admin.contact(numbered!)!.properties!.customerNumber), 4711);
      for (const id of rest) assert.ok(h.mailplus.admin.contact(id)?.properties?.email, 'arrived');
    }));

  it("dead-letters an update Dataverse's own plug-in refuses inside a $batch, while the batch's other updates are written", () =>
    withSyncHarness({ contacts: 3 }, async (h) => {
      await h.settle();
      const [poison, ...rest] = contactIds(h);
      const rule = 'jobtitle: job titles of members are kept by the membership administration';
      h.dataverse.admin.failUpdates(poison!, { kind: 'plugin-refuses', message: rule });
      h.dataverse.admin.resetRequestLog();
      for (const id of contactIds(h)) h.mailplus.admin.edit(id, { jobTitle: 'Teamleider' });
      await h.settle();
      await assertOnlyDeadLetter(h, poison!, [/0x80040265/, /jobtitle: job titles of members/], 'Teamleider');
      assert.notEqual(h.dataverse.admin.getContact(poison!)!.jobtitle, 'Teamleider');
      for (const id of rest) assert.equal(h.dataverse.admin.getContact(id)!.jobtitle, 'Teamleider');
      assert.equal(batchRequests(h), 1, 'one $batch, not retried: the refusal is permanent');
      assert.deepEqual(settledBatches(h, QUEUE_TO_DATAVERSE), [{ done: 2, failed: 1 }]);
    }));

  it('retries an update that fails transiently inside a $batch, writes the others at once, and gives up nothing', () =>
    withSyncHarness({ contacts: 3 }, async (h) => {
      await h.settle();
      const [flaky] = contactIds(h);
      h.dataverse.admin.failUpdates(flaky!, { kind: 'unexpected' }, 1);
      h.dataverse.admin.resetRequestLog();
      for (const id of contactIds(h)) h.mailplus.admin.edit(id, { jobTitle: 'Teamleider' });
      await h.settle();
      assert.deepEqual(await h.t.app.queue.listDeadLetters(), []);
      for (const id of contactIds(h)) assert.equal(h.dataverse.admin.getContact(id)!.jobtitle, 'Teamleider');
      assert.equal(batchRequests(h), 2, 'the first $batch, then one for the retried update alone');
      assert.deepEqual(settledBatches(h, QUEUE_TO_DATAVERSE), [
        { done: 2, failed: 1 },
        { done: 1, failed: 0 },
      ]);
    }));
});

function contactIds(h: SyncHarness): string[] {
  return h.dataverse.admin.listContacts().map((r) => String(r.contactid));
}

/** The default mapping plus one field. */
async function mapAlso(h: SyncHarness, field: Pick<FieldMapping, 'dataverse' | 'mailplus' | 'direction'>) {
  await h.useDefinition({
    scope: { kind: 'all-active' },
    fields: [...DEFAULT_FIELDS, { ...field, category: 'background' }],
    permissions: DEFAULT_PERMISSIONS,
  });
}

async function assertOnlyDeadLetter(h: SyncHarness, key: string, reasons: RegExp[], value: string) {
  const dead = await h.t.app.queue.listDeadLetters();
  assert.deepEqual(
    dead.map((d) => d.key),
    [key],
    'only the poison record is dead-lettered',
  );
  for (const reason of reasons) assert.match(dead[0]!.description!, reason);
  assert.ok(!dead[0]!.description!.includes(value), 'the reason names the field, never the value');
}

/** What each delivery batch of one queue came to, from the engine's own log. */
function settledBatches(h: SyncHarness, queue: string): Array<{ done: number; failed: number }> {
  return h
    .logs()
    .map((line) => JSON.parse(line))
    .filter((entry) => entry.event === 'sync.settled' && entry.queue === queue)
    .map(({ done, failed }) => ({ done, failed }));
}

function batchRequests(h: SyncHarness): number {
  return h.dataverse.admin.requestLog().filter((r) => r.method === 'POST' && r.path === '$batch').length;
}
