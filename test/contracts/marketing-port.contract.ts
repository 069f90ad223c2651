import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { ManualClock } from '../../src/clock.js';
import type { MarketingContact, MarketingInteraction, MarketingPort } from '../../src/sync/ports/index.js';

/** One implementation of the marketing port, the clock it runs on, and a person's own actions there. */
export interface MarketingSubject {
  port: MarketingPort;
  clock: ManualClock;
  /** The person opts out of all e-mail in the platform. */
  optOut(externalId: string): void;
  /** A mailing goes out to these contacts (a `sent` interaction each); returns its id. */
  sendMailing(name: string, subject: string, to: string[]): string;
  /** A recipient opens, clicks, or the mailing bounces for them. */
  interact(
    type: 'opened' | 'clicked' | 'bounced',
    mailingId: string,
    externalId: string,
    hard?: boolean,
  ): void;
  close(): Promise<void>;
}

const write = (externalId: string, properties: Record<string, unknown>) => ({ externalId, properties });

async function drain(pass: AsyncIterable<MarketingContact>): Promise<MarketingContact[]> {
  const out: MarketingContact[] = [];
  for await (const contact of pass) out.push(contact);
  return out;
}

/** The promises of the marketing port, run against every implementation (the fake and each adapter). */
export function marketingPortContract(name: string, start: () => Promise<MarketingSubject>): void {
  describe(`marketing port contract: ${name}`, () => {
    let s: MarketingSubject;
    let position: string;
    before(async () => {
      s = await start();
      position = s.port.feedStart(s.clock.now() - 1_000);
    });
    after(() => s.close());

    test('an insert-only write creates; the same again comes back as exists and changes nothing', async () => {
      s.clock.advance(1_000);
      const first = await s.port.upsertBatch(
        [
          write('c-1', { email: 'c1@example.test', permissions: [{ bit: 1, enabled: true }] }),
          write('c-2', { email: 'c2@example.test' }),
        ],
        { update: false },
      );
      assert.deepEqual(
        first.map((o) => o.status),
        ['written', 'written'],
      );
      const again = await s.port.upsertBatch([write('c-1', { email: 'other@example.test' })], {
        update: false,
      });
      assert.deepEqual(
        again.map((o) => o.status),
        ['exists'],
      );
      assert.equal((await s.port.contact('c-1'))?.properties.email, 'c1@example.test');
    });

    test('contact() reads properties and consent by bit; an unknown contact is null', async () => {
      const contact = await s.port.contact('c-1');
      assert.equal(contact?.consent.optedOut, false);
      assert.equal(contact?.consent.permissions.get(1), true);
      assert.equal(await s.port.contact('c-unknown'), null);
    });

    test('the change feed yields what changed since the position, and a new position after it', async () => {
      s.clock.advance(1_000);
      const pass = s.port.readChanges(position);
      const changed = await drain(pass);
      assert.deepEqual(changed.map((c) => c.externalId).sort(), ['c-1', 'c-2']);
      position = pass.position;
      s.clock.advance(5_000);
      await s.port.upsertBatch([write('c-2', { email: 'c2-new@example.test' })]);
      s.clock.advance(1_000);
      const next = s.port.readChanges(position);
      assert.deepEqual(
        (await drain(next)).map((c) => c.externalId),
        ['c-2'],
      );
      position = next.position;
    });

    test('allContacts pages every contact', async () => {
      const all: string[] = [];
      for await (const page of s.port.allContacts(s.clock.now())) all.push(...page.map((c) => c.externalId));
      assert.deepEqual(all.sort(), ['c-1', 'c-2']);
    });

    test('an opted-out person: consent says so, and a write asking permissions on stays off', async () => {
      s.optOut('c-1');
      s.clock.advance(1_000);
      assert.equal((await s.port.contact('c-1'))?.consent.optedOut, true);
      const [outcome] = await s.port.upsertBatch([
        write('c-1', { permissions: [{ bit: 1, enabled: true }] }),
      ]);
      assert.equal(outcome?.status, 'written-opted-out');
      assert.equal((await s.port.contact('c-1'))?.consent.permissions.get(1), false);
    });

    test('the interaction feeds yield each interaction once, with its facts; the mailing is looked up', async () => {
      let from = s.port.interactionsStart(s.clock.now() - 1_000);
      const mailingId = s.sendMailing('December news', 'What is new', ['c-1', 'c-2']);
      s.interact('opened', mailingId, 'c-1');
      s.interact('clicked', mailingId, 'c-1');
      s.interact('bounced', mailingId, 'c-2', true);
      s.clock.advance(1_000);
      const read = async () => {
        const pass = s.port.readInteractions(from);
        const all: MarketingInteraction[] = [];
        for await (const page of pass) all.push(...page);
        from = pass.position;
        return all;
      };
      const first = await read();
      const summary = first.map((i) => `${i.type}:${i.externalId}`).sort();
      assert.deepEqual(summary, ['bounced:c-2', 'clicked:c-1', 'opened:c-1', 'sent:c-1', 'sent:c-2']);
      const sent = first.find((i) => i.type === 'sent')!;
      assert.equal(sent.mailingId, mailingId);
      assert.equal(sent.mailingName, 'December news');
      assert.equal(sent.subject, 'What is new');
      assert.equal(first.find((i) => i.type === 'bounced')?.bounceType, 'hard');
      assert.ok(first.every((i) => Number.isFinite(i.at) && i.changedAt >= i.at));
      s.clock.advance(1_000);
      assert.deepEqual(await read(), [], 'a second pass yields nothing again');
      s.interact('opened', mailingId, 'c-2');
      s.clock.advance(1_000);
      assert.deepEqual(
        (await read()).map((i) => `${i.type}:${i.externalId}`),
        ['opened:c-2'],
      );
      assert.deepEqual(await s.port.mailing(mailingId), {
        id: mailingId,
        name: 'December news',
        subject: 'What is new',
      });
      assert.equal(await s.port.mailing('unknown-mailing'), null);
    });

    test('anonymize empties a contact; an unknown one is not-found', async () => {
      assert.equal(await s.port.anonymize('c-2'), 'anonymized');
      assert.notEqual((await s.port.contact('c-2'))?.properties.email, 'c2-new@example.test');
      assert.equal(await s.port.anonymize('c-unknown'), 'not-found');
    });
  });
}
