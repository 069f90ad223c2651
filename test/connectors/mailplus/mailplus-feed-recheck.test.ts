import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { ManualClock } from '../../../src/clock.js';
import {
  type ChangeFeedCheckpoint,
  MailplusChangeFeed,
} from '../../../src/connectors/mailplus/mailplus-change-feed.js';
import { type Pair, person, startPair } from './fixtures.js';

const T0 = Date.UTC(2026, 2, 1, 9, 0, 0);
const OVERLAP = 300_000;
const POLL = 2_000;

describe('updates feed with a long overlap: a short head window and a recheck of matured slices', () => {
  let pair: Pair | undefined;
  afterEach(() => pair?.close());

  const feedCalls = () =>
    pair!.emulator.admin.requestLog().filter((r) => r.route === 'GET /contact/updates/list').length;

  /** Rounds every POLL ms from `from` to `to`: the ids each round yielded, in order. */
  async function rounds(
    clock: ManualClock,
    feed: MailplusChangeFeed,
    start: { checkpoint: ChangeFeedCheckpoint },
    to: number,
  ): Promise<{ at: number; ids: string[] }[]> {
    const out: { at: number; ids: string[] }[] = [];
    while (clock.now() + POLL <= to) {
      clock.advance(POLL);
      const pass = feed.read(start.checkpoint);
      const ids: string[] = [];
      for await (const contact of pass) ids.push(contact.externalId);
      start.checkpoint = JSON.parse(JSON.stringify(pass.checkpoint));
      out.push({ at: clock.now(), ids });
    }
    return out;
  }

  it('after a large burst of writes, later rounds read only the head and yield no write twice', async () => {
    const clock = new ManualClock(T0);
    pair = await startPair({ clock, emulator: { updatesLagMs: 1000 } });
    const feed = new MailplusChangeFeed(pair.client, { clock, overlapMs: OVERLAP, pageSize: 100 });
    const state = { checkpoint: MailplusChangeFeed.startingAt(T0) };
    // 600 writes over 60 s (a "load"): 10 per second.
    for (let i = 0; i < 600; i++) {
      clock.set(T0 + 1000 + i * 100);
      await pair.client.upsertContact(person(`load-${i}`));
    }
    const all = await rounds(clock, feed, state, T0 + 70_000);
    const yielded = all.flatMap((r) => r.ids);
    assert.equal(yielded.length, 600, 'every write is yielded once while the load runs');
    assert.equal(new Set(yielded).size, 600);

    // The next 8 minutes: the overlap (5 min) passes over the whole burst, but nothing comes again,
    // and no round re-reads the burst: only a recheck slice every 10 s reads its 10 s of it again.
    pair.emulator.admin.resetRequests();
    const later = await rounds(clock, feed, state, T0 + 70_000 + 8 * 60_000);
    assert.deepEqual(
      later.flatMap((r) => r.ids),
      [],
    );
    const calls = feedCalls();
    const roundsRun = later.length;
    // Each round one head page, plus one recheck every 5 rounds; the burst's 600 contacts are read
    // again once in all (6 pages of 100), not once per round as a 5-minute window would (~150 x 6).
    assert.ok(calls <= roundsRun + roundsRun / 5 + 6 + 2, `${calls} feed calls in ${roundsRun} rounds`);
    assert.ok(feed.remembered < 600, 'what no window can return again is forgotten');
  });

  it('a change that shows up late (after the head window, inside the overlap) is still seen, once', async () => {
    const clock = new ManualClock(T0);
    const lag = 60_000; // far beyond the head overlap of 10 s, well inside the 5-minute overlap
    pair = await startPair({ clock, emulator: { updatesLagMs: lag } });
    const feed = new MailplusChangeFeed(pair.client, { clock, overlapMs: OVERLAP });
    const state = { checkpoint: MailplusChangeFeed.startingAt(T0) };
    clock.set(T0 + 5_000);
    await pair.client.upsertContact(person('lagging'));
    const all = await rounds(clock, feed, state, T0 + 5_000 + OVERLAP + 30_000);
    const seen = all.filter((r) => r.ids.includes('lagging'));
    assert.equal(seen.length, 1, 'yielded exactly once');
    const at = seen[0]!.at;
    assert.ok(at >= T0 + 5_000 + lag, 'not before Mail+ shows it');
    // Found by the recheck of its moment: when it is overlap old, plus at most one recheck step and
    // a poll interval (and the Date header's second).
    assert.ok(at <= T0 + 5_000 + OVERLAP + 10_000 + POLL + 1_000, `seen at +${at - T0} ms`);
    assert.ok(
      all.some((r) => r.at > at),
      'and not again afterwards',
    );
  });

  it('a restart loses the memory of the overlap, never a change: an echo may come once more', async () => {
    const clock = new ManualClock(T0);
    pair = await startPair({ clock, emulator: { updatesLagMs: 1_000 } });
    const options = { clock, overlapMs: OVERLAP, pageSize: 100 };
    const state = { checkpoint: MailplusChangeFeed.startingAt(T0) };
    clock.set(T0 + 1_000);
    await pair.client.upsertContact(person('early'));
    const first = await rounds(clock, new MailplusChangeFeed(pair.client, options), state, T0 + 25_000);
    assert.deepEqual(
      first.flatMap((r) => r.ids),
      ['early'],
    );
    // A new process (new feed, same stored checkpoint): its recheck of the moment of "early" yields it
    // again (the sync drops it as an echo by hash), and a change made now is seen as always.
    const restartedFeed = new MailplusChangeFeed(pair.client, options);
    clock.set(T0 + 30_000);
    await pair.client.upsertContact(person('after-restart'));
    const restarted = await rounds(clock, restartedFeed, state, T0 + 30_000 + OVERLAP + 15_000);
    const ids = restarted.flatMap((r) => r.ids);
    assert.deepEqual(ids, ['after-restart', 'early']);
  });

  it('after one pass as long as a large load, the recheck catches up in slices, not all at once', async () => {
    const clock = new ManualClock(T0);
    pair = await startPair({ clock, emulator: { updatesLagMs: 1000 } });
    const feed = new MailplusChangeFeed(pair.client, { clock, overlapMs: OVERLAP, pageSize: 100 });
    // A 400 s first load: one round, whose feed pass comes at its end.
    for (let i = 0; i < 400; i++) {
      clock.set(T0 + 1000 + i * 1000);
      await pair.client.upsertContact(person(`long-${i}`));
    }
    clock.set(T0 + 405_000);
    let checkpoint = MailplusChangeFeed.startingAt(T0);
    const read = async () => {
      const pass = feed.read(checkpoint);
      const ids: string[] = [];
      for await (const contact of pass) ids.push(contact.externalId);
      checkpoint = pass.checkpoint;
      return { ids, recheck: pass.recheck };
    };
    assert.equal((await read()).ids.length, 400);
    const spans: number[] = [];
    for (let round = 0; round < 60; round++) {
      clock.advance(POLL);
      const { ids, recheck } = await read();
      assert.deepEqual(ids, []);
      if (recheck) spans.push(recheck.toMs - recheck.fromMs);
    }
    // The backlog was 100 s (a 400 s load, rechecked once 300 s old): slices of at most 10 s.
    assert.ok(spans.length >= 10, `${spans.length} rechecks`);
    assert.ok(Math.max(...spans) <= 10_000, `largest slice ${Math.max(...spans)} ms`);
    assert.ok(
      checkpoint.matured! >= checkpoint.until - OVERLAP - 10_000,
      'caught up: the matured point is back within one step of overlap-old',
    );
  });
});
