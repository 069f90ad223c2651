import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  type CrmActivity,
  type CrmActivityTarget,
  CrmFeedExpiredError,
  type CrmPort,
  type CrmRecord,
} from '../../src/sync/ports/index.js';

/** One implementation of the CRM port with the means to change the CRM behind it. */
export interface CrmSubject {
  port: CrmPort;
  create(fields: Record<string, unknown>): string;
  update(id: string, fields: Record<string, unknown>): void;
  delete(id: string): void;
  get(id: string): Record<string, unknown> | undefined;
  /** A marketing list with these members; returns its id. */
  list(members: string[]): string;
  /** Makes every position handed out so far too old to use. */
  expirePositions(): void;
  /** The keys of the activities stored in a target, one per row. */
  activityKeys(target: CrmActivityTarget['kind']): string[];
  /** A campaign that campaign responses can be regarding; returns its id. */
  campaign(): string;
  close(): Promise<void>;
}

const READ = { fields: ['firstname', 'emailaddress1'], labels: false };

async function drain(port: CrmPort, from: string | null, pageSize = 2) {
  const pages = [];
  for await (const page of port.changes({ ...READ, from, pageSize })) pages.push(page);
  return pages;
}

const ids = (records: CrmRecord[]) => records.map((r) => r.id).sort();

/** The promises of the CRM port, run against every implementation (the fake and each adapter). */
export function crmPortContract(name: string, start: () => Promise<CrmSubject>): void {
  describe(`CRM port contract: ${name}`, () => {
    let s: CrmSubject;
    const people: string[] = [];
    let position: string | null = null;
    before(async () => {
      s = await start();
      for (let i = 0; i < 5; i++)
        people.push(s.create({ firstname: `Synthetic ${i}`, emailaddress1: `p${i}@example.test` }));
    });
    after(() => s.close());

    test('a first read returns every contact in pages, each with its id and the fields asked for', async () => {
      const pages = await drain(s.port, null);
      const records = pages.flatMap((p) => p.upserts);
      assert.deepEqual(ids(records), [...people].sort());
      const first = records.find((r) => r.id === people[0])!;
      assert.equal(first.fields.firstname, 'Synthetic 0');
      assert.equal(first.fields.emailaddress1, 'p0@example.test');
      for (const page of pages.slice(0, -1))
        assert.ok(page.resumeAt && !page.nextRound, 'a middle page resumes');
      position = pages.at(-1)!.nextRound;
      assert.ok(position, 'the last page says where the next round starts');
    });

    test('the next round returns only what changed since: an update and a delete', async () => {
      s.update(people[1]!, { firstname: 'Renamed' });
      s.delete(people[2]!);
      const pages = await drain(s.port, position);
      assert.deepEqual(ids(pages.flatMap((p) => p.upserts)), [people[1]!]);
      assert.equal(pages.flatMap((p) => p.upserts)[0]!.fields.firstname, 'Renamed');
      assert.deepEqual(
        pages.flatMap((p) => p.deletes),
        [people[2]!],
      );
      position = pages.at(-1)!.nextRound;
    });

    test('contactsByIds returns the contacts that exist, none for an unknown id', async () => {
      const wanted = [people[0]!, people[2]!, people[3]!];
      const found: CrmRecord[] = [];
      for await (const page of s.port.contactsByIds(wanted, READ)) found.push(...page);
      assert.deepEqual(ids(found), [people[0]!, people[3]!].sort());
    });

    test('listMemberIds pages the members of a list', async () => {
      const listId = s.list([people[0]!, people[3]!, people[4]!]);
      const pages: string[][] = [];
      for await (const page of s.port.listMemberIds(listId, 2)) pages.push(page);
      assert.deepEqual(
        pages
          .flat()
          .map((id) => id.toLowerCase())
          .sort(),
        [people[0]!, people[3]!, people[4]!].sort(),
      );
    });

    test('updateMany updates in order, one outcome each; a missing contact is notFound, the rest written', async () => {
      const outcomes = await s.port.updateMany([
        { id: people[3]!, fields: { firstname: 'Written' } },
        { id: people[2]!, fields: { firstname: 'Gone' } },
        { id: people[4]!, fields: { firstname: 'Also written' } },
      ]);
      assert.deepEqual(
        outcomes.map((o) => (o.ok ? 'ok' : o.notFound ? 'not found' : 'failed')),
        ['ok', 'not found', 'ok'],
      );
      assert.equal(s.get(people[3]!)?.firstname, 'Written');
      assert.equal(s.get(people[4]!)?.firstname, 'Also written');
      assert.equal(s.get(people[2]!), undefined, 'an update never creates');
    });

    const activity = (key: string, contactId: string): CrmActivity => ({
      key,
      contactId,
      type: 'clicked',
      at: Date.UTC(2026, 11, 3, 12),
      mailingId: 'm-1',
      mailingName: 'December news',
      subject: 'What is new',
      link: 'https://example.invalid/offer',
      bounceType: null,
    });

    test('activities upsert by key: the same key twice is one row; a deleted contact is missing', async () => {
      const target = { kind: 'custom-activity' } as const;
      const first = await s.port.upsertActivities(
        [activity('k0a', people[0]!), activity('k2a', people[2]!)],
        target,
      );
      assert.deepEqual(
        first.map((o) => (o.ok ? 'ok' : o.contactMissing ? 'missing' : 'failed')),
        ['ok', 'missing'],
      );
      const again = await s.port.upsertActivities(
        [activity('k0a', people[0]!), activity('k1a', people[1]!)],
        target,
      );
      assert.ok(again.every((o) => o.ok));
      assert.deepEqual(s.activityKeys('custom-activity').sort(), ['k0a', 'k1a']);
    });

    test('activities go to campaign responses when that is the target', async () => {
      const target = { kind: 'campaign-response', campaignId: s.campaign() } as const;
      const outcomes = await s.port.upsertActivities(
        [activity('k0b', people[0]!), activity('k0b', people[0]!)],
        target,
      );
      assert.ok(outcomes.every((o) => o.ok));
      assert.deepEqual(s.activityKeys('campaign-response'), ['k0b']);
    });

    test('a position the CRM no longer knows fails with CrmFeedExpiredError', async () => {
      s.expirePositions();
      await assert.rejects(drain(s.port, position), CrmFeedExpiredError);
    });
  });
}
