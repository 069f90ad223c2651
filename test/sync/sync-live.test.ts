import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Fault } from '../../src/emulators/shared/faults.js';
import { createSyntheticPeople } from '../../src/emulators/shared/synthetic-people.js';
import { deliverToDataverse } from '../../src/sync/dataverse-deliverer.js';
import { pollDataverse } from '../../src/sync/dataverse-poller.js';
import { deliverToMailplus } from '../../src/sync/mailplus-deliverer.js';
import { pollMailplus } from '../../src/sync/mailplus-poller.js';
import { DEFAULT_FIELDS, DEFAULT_PERMISSIONS } from '../../src/sync/mapping/index.js';
import { QUEUE_TO_DATAVERSE, QUEUE_TO_MAILPLUS } from '../../src/sync/sync-mapper.js';
import {
  type HarnessOptions,
  pendingMessages,
  permission,
  type SyncHarness,
  withSyncHarness,
} from './sync-harness.js';

/** The harness seeds Dataverse with this seed: contact n (in creation order) is synthetic person n. */
const SEED = 11;

/** A harness whose initial load has settled, so everything the test does is live sync. */
function afterLoad(options: HarnessOptions, test: (h: SyncHarness) => Promise<void>): Promise<void> {
  return withSyncHarness(options, async (h) => {
    await h.settle();
    await test(h);
  });
}

const contactIds = (h: SyncHarness) => h.dataverse.admin.listContacts().map((row) => String(row.contactid));
const mailplusProperties = (h: SyncHarness, id: string) => h.mailplus.admin.contact(id)!.properties;

/** The permission bits switched on for `id` in Mail+. */
function enabledBits(h: SyncHarness, id: string): number[] {
  const permissions = mailplusProperties(h, id).permissions as Array<{ bit: number; enabled: boolean }>;
  return (permissions ?? []).filter((p) => p.enabled).map((p) => p.bit);
}

/** Enough failed answers to fail one Mail+ call: MailplusHttp gives up after five attempts. */
const failedMailplusCall = (): Fault[] =>
  Array.from({ length: 5 }, () => ({ kind: 'status', status: 500 }) as const);

/** Which of `candidates` the successful Mail+ writes for `id` carried, in the order they were sent. */
function writtenValues(h: SyncHarness, id: string, candidates: readonly string[]): string[] {
  return h.mailplus.admin
    .requestLog()
    .filter((r) => r.route === 'POST /contact/list' && r.status === 200 && r.body.includes(id))
    .flatMap((r) => candidates.filter((value) => r.body.includes(value)));
}

describe('live sync: contacts created after the initial load', () => {
  it('creates exactly one Mail+ contact for a new Dataverse contact, keyed by its contactid, with its values and the newsletter permission on', () =>
    afterLoad({ contacts: 5 }, async (h) => {
      const before = h.mailplus.admin.contacts().map((c) => c.externalId);
      const id = h.dataverse.admin.createContact({
        firstname: 'Nieuwe',
        lastname: 'Aanmelderdorp',
        emailaddress1: 'nieuwe.aanmelder@example.org',
        donotbulkemail: false,
      });
      await h.settle();
      const after = h.mailplus.admin.contacts().map((c) => c.externalId);
      assert.equal(after.length, before.length + 1, 'exactly one contact more in Mail+');
      assert.deepEqual(new Set(after), new Set([...before, id]), 'the new one is keyed by the contactid');
      const mp = mailplusProperties(h, id);
      assert.equal(mp.firstName, 'Nieuwe');
      assert.equal(mp.lastName, 'Aanmelderdorp');
      assert.equal(mp.email, 'nieuwe.aanmelder@example.org');
      assert.equal(permission(h, id, 1), true, 'bulk e-mail allowed in Dataverse -> newsletter on');
    }));

  it('never creates in Dataverse a contact someone else created in Mail+, and changes nothing there', () =>
    afterLoad({ contacts: 5 }, async (h) => {
      const before = h.dataverse.admin.listContacts();
      const [outsider] = h.mailplus.admin.seed(1);
      // Seeded person 0 is also Dataverse contact 0: a distinct address keeps this an unrelated person.
      h.mailplus.admin.edit(outsider!, { email: 'buitenstaander@example.org', firstName: 'Buiten' });
      h.dataverse.admin.resetRequestLog();
      const r = await h.round();
      assert.ok(r.mailplusRead >= 1, 'koppel read the new Mail+ contact');
      await h.settle();
      assert.equal(h.dataverse.admin.getContact(outsider!), undefined, 'not created in Dataverse');
      assert.deepEqual(h.dataverse.admin.listContacts(), before, 'no Dataverse contact created or changed');
      assert.deepEqual(
        h.dataverse.admin.requestLog().filter((e) => e.method !== 'GET'),
        [],
        'no write request reached Dataverse',
      );
      assert.equal(mailplusProperties(h, outsider!).email, 'buitenstaander@example.org', 'left alone');
    }));
});

describe('live sync: two edits of one contact while the first delivery fails', () => {
  it('applies two Dataverse edits to Mail+ in order when the first delivery fails once', () =>
    afterLoad({ contacts: 5 }, async (h) => {
      const id = contactIds(h)[0]!;
      const original = mailplusProperties(h, id).jobTitle;
      h.mailplus.admin.resetRequests();
      h.dataverse.admin.updateContact(id, { jobtitle: 'Inkoper' });
      await pollDataverse(h.ctx);
      h.dataverse.admin.updateContact(id, { jobtitle: 'Verkoper' });
      await pollDataverse(h.ctx);
      assert.equal(await pendingMessages(h.t, QUEUE_TO_MAILPLUS), 2, 'one message per edit');

      h.mailplus.admin.injectFaults(...failedMailplusCall());
      assert.equal(await deliverToMailplus(h.ctx), 1, 'only the first edit is handed out');
      assert.equal(mailplusProperties(h, id).jobTitle, original, 'the failed delivery wrote nothing');
      assert.equal(h.ctx.stats.retried, 1, 'the first edit waits for a retry');

      await h.settle();
      assert.equal(mailplusProperties(h, id).jobTitle, 'Verkoper', 'Mail+ ends at the newer edit');
      assert.deepEqual(writtenValues(h, id, ['Inkoper', 'Verkoper']), ['Inkoper', 'Verkoper']);
      assert.equal(h.dataverse.admin.getContact(id)!.jobtitle, 'Verkoper');
    }));

  it('applies two Mail+ edits to Dataverse in order when the first delivery fails once', () =>
    afterLoad({ contacts: 5 }, async (h) => {
      const id = contactIds(h)[1]!;
      const original = h.dataverse.admin.getContact(id)!.address1_city;
      h.mailplus.admin.edit(id, { city: 'Gent' });
      await pollMailplus(h.ctx, 0);
      // A moment later: the feed tells changes of one contact apart by their stamps.
      h.clock.advance(100);
      h.mailplus.admin.edit(id, { city: 'Brugge' });
      await pollMailplus(h.ctx, 0);
      assert.equal(await pendingMessages(h.t, QUEUE_TO_DATAVERSE), 2, 'one message per edit');

      // Every attempt of the $batch is throttled (Retry-After 0, so nothing waits in real time).
      h.dataverse.admin.setFaults({ rateLimited: 1, retryAfterSeconds: 0 });
      assert.equal(await deliverToDataverse(h.ctx), 1, 'only the first edit is handed out');
      h.dataverse.admin.setFaults({});
      assert.equal(
        h.dataverse.admin.getContact(id)!.address1_city,
        original,
        'the failed delivery wrote nothing',
      );
      assert.equal(h.ctx.stats.retried, 1, 'the first edit waits for a retry');

      await h.settle();
      assert.equal(
        h.dataverse.admin.getContact(id)!.address1_city,
        'Brugge',
        'Dataverse ends at the newer edit',
      );
      assert.equal(mailplusProperties(h, id).city, 'Brugge');
      assert.equal(h.ctx.stats.writtenToDataverse, 2, 'both edits were written');
    }));
});

describe('live sync: "do not bulk e-mail" with onDoNotBulkEmail withdraw-permissions', () => {
  /** A settled harness whose tenant withdraws permissions instead of anonymizing. */
  const withdrawing = (test: (h: SyncHarness) => Promise<void>) =>
    withSyncHarness({ contacts: 5 }, async (h) => {
      await h.useDefinition({
        scope: { kind: 'all-active' },
        fields: DEFAULT_FIELDS,
        permissions: DEFAULT_PERMISSIONS,
        onDoNotBulkEmail: 'withdraw-permissions',
      });
      await h.settle();
      await test(h);
    });

  it('keeps the Mail+ contact and its e-mail with every permission off, and a later edit switches none on', () =>
    withdrawing(async (h) => {
      const id = contactIds(h)[0]!;
      assert.deepEqual(enabledBits(h, id), [1], 'subscribed to the newsletter before');
      h.dataverse.admin.updateContact(id, { donotbulkemail: true });
      await h.settle();
      const email = h.dataverse.admin.getContact(id)!.emailaddress1;
      assert.equal(mailplusProperties(h, id).email, email, 'the contact keeps its e-mail address');
      assert.deepEqual(enabledBits(h, id), [], 'every permission is withdrawn');

      h.dataverse.admin.updateContact(id, { jobtitle: 'Inkoper' });
      await h.settle();
      assert.deepEqual(enabledBits(h, id), [], 'a later edit switches no permission on');
      assert.equal(mailplusProperties(h, id).email, email);
      assert.equal(h.dataverse.admin.getContact(id)!.donotbulkemail, true);
    }));

  it('also withdraws a permission that is not mapped to Dataverse', () =>
    withdrawing(async (h) => {
      const id = contactIds(h)[0]!;
      // The person also signed up for offers (bit 2, not mapped to Dataverse) through a form.
      h.mailplus.admin.resubscribe(id, [2]);
      await h.settle();
      assert.deepEqual(enabledBits(h, id), [1, 2]);
      h.dataverse.admin.updateContact(id, { donotbulkemail: true });
      await h.settle();
      assert.deepEqual(enabledBits(h, id), [], 'no bulk e-mail of any kind');
    }));
});

describe('live sync: Mail+ feed lag', () => {
  const lagging: HarnessOptions = {
    contacts: 5,
    mailplusOptions: { updatesLagMs: 500 },
    appOptions: { mailplusOverlapMs: 3_000 },
  };
  /** A little longer than the feed's lag: after it, the change is visible. */
  const pastTheLag = (h: SyncHarness) => h.clock.advance(800);

  it('carries an unsubscribe to Dataverse in the one round after the feed shows it', () =>
    afterLoad(lagging, async (h) => {
      const id = contactIds(h)[0]!;
      h.mailplus.admin.unsubscribe(id, 1);
      pastTheLag(h);
      await h.round();
      assert.equal(h.dataverse.admin.getContact(id)!.donotbulkemail, true);
    }));

  it('still reads an unsubscribe the feed showed only after a round had passed its moment', () =>
    afterLoad(lagging, async (h) => {
      const id = contactIds(h)[1]!;
      h.mailplus.admin.unsubscribe(id, 1);
      // Most likely before the feed shows it: this round's window ends after the unsubscribe.
      await h.round();
      pastTheLag(h);
      await h.round();
      assert.equal(h.dataverse.admin.getContact(id)!.donotbulkemail, true);
    }));
});

describe('live sync: the company through the parentcustomerid lookup', () => {
  const companyOf = createSyntheticPeople({ seed: SEED });

  it("sends exactly the name of the contact's account, and the new one when the contact moves to another account", () =>
    afterLoad({ contacts: 6 }, async (h) => {
      const rows = h.dataverse.admin.listContacts();
      rows.forEach((row, n) => {
        const organisation = mailplusProperties(h, String(row.contactid)).organisation;
        assert.equal(organisation, companyOf(n).company, `contact ${n}'s account name`);
      });
      const id = String(rows[0]!.contactid);
      const other = rows.findIndex((_, n) => companyOf(n).company !== companyOf(0).company);
      assert.ok(other > 0, 'the seed has contacts at different accounts');

      h.dataverse.admin.updateContact(id, {
        'parentcustomerid_account@odata.bind': `/accounts(${rows[other]!._parentcustomerid_value})`,
      });
      await h.settle();
      assert.equal(mailplusProperties(h, id).organisation, companyOf(other).company);

      h.dataverse.admin.updateContact(id, { 'parentcustomerid_account@odata.bind': null });
      await h.settle();
      assert.equal(mailplusProperties(h, id).organisation, undefined, 'no account: no organisation');
    }));
});
