import assert from 'node:assert/strict';
import { after, beforeEach, describe, it } from 'node:test';
import { ManualClock } from '../../../src/clock.js';
import {
  type ChangeFeedPass,
  MailplusChangeFeed,
} from '../../../src/connectors/mailplus/mailplus-change-feed.js';
import { type Pair, person, startPair } from './fixtures.js';

const T0 = Date.UTC(2026, 2, 1, 9, 0, 0);
const LAG = 2000;

async function drain(pass: ChangeFeedPass): Promise<string[]> {
  const ids: string[] = [];
  for await (const contact of pass) ids.push(contact.externalId);
  return ids;
}

describe('updates feed read through overlapping windows', () => {
  let clock: ManualClock;
  let pair: Pair;
  beforeEach(async () => {
    await pair?.close();
    clock = new ManualClock(T0);
    pair = await startPair({ clock, emulator: { updatesLagMs: LAG } });
  });
  after(() => pair.close());

  async function writeAt(ms: number, externalId: string, extra: Record<string, unknown> = {}) {
    clock.set(ms);
    await pair.client.upsertContact(person(externalId, extra));
  }

  it('pages with after until the window is exhausted, each contact once', async () => {
    for (let i = 0; i < 25; i++) await writeAt(T0 + i, `page-${i}`);
    clock.set(T0 + 10_000);
    const feed = new MailplusChangeFeed(pair.client, { clock, pageSize: 10 });
    const ids = await drain(feed.read(MailplusChangeFeed.startingAt(T0)));
    assert.deepEqual(
      ids,
      Array.from({ length: 25 }, (_, i) => `page-${i}`),
    );
    const pages = pair.emulator.admin.requestLog().filter((r) => r.route === 'GET /contact/updates/list');
    assert.deepEqual(
      pages.map((r) => r.query.find(([name]) => name === 'after')?.[1]),
      [undefined, '10', '20'],
    );
  });

  it('misses a change made just before the boundary when windows do not overlap', async () => {
    const feed = new MailplusChangeFeed(pair.client, { clock, overlapMs: 0 });
    await writeAt(T0 + 1000, 'early');
    await writeAt(T0 + 4500, 'late'); // visible from T0 + 6500 only
    clock.set(T0 + 5000);
    const first = feed.read(MailplusChangeFeed.startingAt(T0));
    assert.deepEqual(await drain(first), ['early']);
    clock.set(T0 + 10_000);
    assert.deepEqual(
      await drain(feed.read(first.checkpoint)),
      [],
      'the emulator makes the overlap necessary',
    );
  });

  it('catches that change with an overlap longer than the lag, and yields nothing twice', async () => {
    const feed = new MailplusChangeFeed(pair.client, { clock, overlapMs: LAG + 500 });
    await writeAt(T0 + 1000, 'early');
    await writeAt(T0 + 3000, 'at-visibility-edge'); // visible exactly at T0 + 5000
    await writeAt(T0 + 4500, 'late');
    clock.set(T0 + 5000);
    const first = feed.read(MailplusChangeFeed.startingAt(T0));
    assert.deepEqual(await drain(first), ['early', 'at-visibility-edge']);
    clock.set(T0 + 10_000);
    const second = feed.read(first.checkpoint);
    assert.deepEqual(await drain(second), ['late']);
    assert.equal(second.window.fromMs, T0 + 5000 - (LAG + 500));
  });

  it('yields a contact again when it changed again after being read', async () => {
    const feed = new MailplusChangeFeed(pair.client, { clock });
    await writeAt(T0 + 1000, 'twice');
    clock.set(T0 + 5000);
    const first = feed.read(MailplusChangeFeed.startingAt(T0));
    assert.deepEqual(await drain(first), ['twice']);
    await writeAt(T0 + 6000, 'twice', { city: 'Arnhem' });
    clock.set(T0 + 9000);
    assert.deepEqual(await drain(feed.read(first.checkpoint)), ['twice']);
  });

  it('keeps a JSON checkpoint that survives a restart and forgets what cannot come back', async () => {
    const overlapMs = 60_000;
    await writeAt(T0 + 1000, 'old');
    clock.set(T0 + 5000);
    const first = new MailplusChangeFeed(pair.client, { clock, overlapMs }).read(
      MailplusChangeFeed.startingAt(T0),
    );
    assert.equal(await drain(first).then((ids) => ids.length), 1);
    assert.throws(
      () => new MailplusChangeFeed(pair.client).read(first.checkpoint).checkpoint,
      /not been read/,
    );
    const restored = JSON.parse(JSON.stringify(first.checkpoint));
    assert.deepEqual(restored.seen, [`old@${T0 + 1000}`]);
    clock.set(T0 + 30_000);
    const second = new MailplusChangeFeed(pair.client, { clock, overlapMs }).read(restored);
    assert.deepEqual(await drain(second), [], 'the overlap re-reads "old" but does not yield it');
    clock.set(T0 + 200_000);
    const third = new MailplusChangeFeed(pair.client, { clock, overlapMs }).read(second.checkpoint);
    await drain(third);
    assert.deepEqual(third.checkpoint.seen, [], 'entries older than the next window start are dropped');
  });

  it('remembers at most a set number of changes in the checkpoint; after a restart the rest come again', async () => {
    for (let i = 0; i < 12; i++) await writeAt(T0 + 1000 + i, `bulk-${i}`);
    clock.set(T0 + 5000);
    const feed = new MailplusChangeFeed(pair.client, { clock, overlapMs: 60_000, rememberAtMost: 5 });
    const first = feed.read(MailplusChangeFeed.startingAt(T0));
    assert.equal((await drain(first)).length, 12);
    assert.equal(first.checkpoint.seen.length, 5, 'capped');
    assert.deepEqual(
      first.checkpoint.seen,
      [11, 10, 9, 8, 7].map((i) => `bulk-${i}@${T0 + 1000 + i}`),
      'the newest are kept',
    );
    clock.set(T0 + 6000);
    assert.deepEqual(await drain(feed.read(first.checkpoint)), [], 'the running feed remembers them all');
    const restarted = new MailplusChangeFeed(pair.client, { clock, overlapMs: 60_000, rememberAtMost: 5 });
    const again = await drain(restarted.read(first.checkpoint));
    assert.deepEqual(
      again.sort(),
      Array.from({ length: 7 }, (_, i) => `bulk-${i}`).sort(),
      'the others are yielded again',
    );
  });

  it('sees changes made by a person or marketer in Mail+, not only API writes', async () => {
    await writeAt(T0 + 1000, 'by-hand');
    clock.set(T0 + 5000);
    const feed = new MailplusChangeFeed(pair.client, { clock });
    const first = feed.read(MailplusChangeFeed.startingAt(T0));
    await drain(first);
    pair.emulator.admin.unsubscribe('by-hand', 1);
    clock.set(T0 + 9000);
    const changed: unknown[] = [];
    for await (const contact of feed.read(first.checkpoint)) changed.push(contact.properties.permissions);
    assert.deepEqual(changed, [
      [
        { bit: 1, description: 'Nieuwsbrief', enabled: false },
        { bit: 2, description: 'Aanbiedingen', enabled: false },
        { bit: 4, description: 'Evenementen', enabled: false },
      ],
    ]);
  });
});

describe('updates feed page size', () => {
  const pageSizes = (pair: Pair) =>
    pair.emulator.admin
      .requestLog()
      .filter((r) => r.route === 'GET /contact/updates/list')
      .map((r) => Number(r.query.find(([name]) => name === 'pageSize')?.[1]));

  async function pairWithLimit(maxUpdatesPageSize: number, refusals: Array<[number, number]>) {
    return startPair({
      emulator: { seedContacts: 2500, updatesLagMs: 0, maxUpdatesPageSize },
      client: { onUpdatesPageRefused: (refused, next) => refusals.push([refused, next]) },
    });
  }

  it('reads pages of 5,000 where the service serves them', async () => {
    const refusals: Array<[number, number]> = [];
    const pair = await pairWithLimit(10_000, refusals);
    try {
      const ids = await drain(new MailplusChangeFeed(pair.client).read(MailplusChangeFeed.startingAt(0)));
      assert.equal(new Set(ids).size, 2500);
      assert.deepEqual(pageSizes(pair), [5000]);
      assert.deepEqual(refusals, []);
    } finally {
      await pair.close();
    }
  });

  it('steps down when the service refuses a size, keeps the size it accepts, and loses nothing', async () => {
    const refusals: Array<[number, number]> = [];
    const pair = await pairWithLimit(1000, refusals);
    try {
      const feed = new MailplusChangeFeed(pair.client);
      const first = feed.read(MailplusChangeFeed.startingAt(0));
      const ids = await drain(first);
      assert.equal(ids.length, 2500);
      assert.equal(new Set(ids).size, 2500, 'each contact once');
      assert.deepEqual(refusals, [
        [5000, 2000],
        [2000, 1000],
      ]);
      assert.equal(pair.client.updatesPageSize, 1000);
      const second = feed.read(first.checkpoint);
      await drain(second);
      // The second pass also rechecks [0, 10 minutes ago]: one (empty) page, at the size kept.
      assert.notEqual(second.recheck, null);
      assert.deepEqual(pageSizes(pair), [5000, 2000, 1000, 1000, 1000, 1000, 1000, 1000, 1000]);
    } finally {
      await pair.close();
    }
  });

  it('gives up below 100 with the service’s reason, and never steps down an explicit size', async () => {
    const refusals: Array<[number, number]> = [];
    const pair = await pairWithLimit(50, refusals);
    try {
      const feed = new MailplusChangeFeed(pair.client);
      await assert.rejects(drain(feed.read(MailplusChangeFeed.startingAt(0))), (error: Error) => {
        assert.equal(error.name, 'PermanentError');
        assert.match(
          error.message,
          /answered 400: INVALID_PARAMS Invalid pageSize or no pageSize given \(1 to 50\)/,
        );
        return true;
      });
      assert.deepEqual(pageSizes(pair), [5000, 2000, 1000, 500, 200, 100]);
      await assert.rejects(pair.client.updatesPage({ fromMs: 0, toMs: 1, pageSize: 60 }), /answered 400/);
      assert.equal(refusals.length, 5);
    } finally {
      await pair.close();
    }
  });
});
