import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { setImmediate as setImmediatePromise } from 'node:timers/promises';
import { sql } from 'kysely';
import { type App, type AppOptions, createApp } from '../../src/app.js';
import type { LeaseOwner } from '../../src/queue/lease-owner.js';
import type { ClaimedMessage, Queue } from '../../src/queue/queue.js';
import type { SecurityEvent } from '../../src/queue/security-event-log.js';
import { type Backend, createTestApp, TEST_MASTER_KEY, type TestApp } from '../helpers/stores.js';

const DAY = 86_400_000;
const T = 'tenant-a';
const Q = 'mailplus';

/**
 * The queue contract: every backend must pass every case. Time is a ManualClock, so leases, backoff
 * and retention are tested without sleeping.
 */
export function queueContract(backend: Backend, skip: string | false = false): void {
  describe(`queue contract: ${backend}`, { skip }, () => {
    let t: TestApp;
    let open: TestApp | undefined;
    let queue: Queue;
    const events: SecurityEvent[] = [];

    const start = async (overrides: Record<string, unknown> = {}, options: AppOptions = {}) => {
      await open?.close();
      t = await createTestApp(backend, overrides, { onSecurityEvent: (e) => events.push(e), ...options });
      open = t;
      queue = t.app.queue;
    };
    const put = (payload: unknown, extra: Record<string, unknown> = {}) =>
      queue.enqueue([{ tenantId: T, queue: Q, payload, ...extra }]);
    const claim = (limit = 10, leaseMs?: number) => queue.claim<{ n: number }>({ queue: Q, limit, leaseMs });
    const ns = (ms: ClaimedMessage<{ n: number }>[]) => ms.map((m) => m.payload.n);
    const liveRows = async () =>
      Number(
        (
          await t.app.store.db
            .selectFrom('queue_messages')
            .select((eb) => eb.fn.countAll().as('c'))
            .executeTakeFirstOrThrow()
        ).c,
      );

    beforeEach(async () => {
      events.length = 0;
      await start();
    });
    afterEach(async () => {
      await open?.close();
      open = undefined;
    });

    it('round-trips a payload and deletes it on complete', async () => {
      await put({ n: 1, note: 'é' });
      const [m] = await claim();
      assert.deepEqual(m!.payload, { n: 1, note: 'é' });
      assert.equal(m!.deliveryCount, 1);
      assert.deepEqual(
        (await queue.complete([m!])).map((r) => r.status),
        ['ok'],
      );
      assert.equal(await liveRows(), 0);
      assert.deepEqual(await claim(), []);
    });

    it('stores payloads encrypted, never as plaintext', async () => {
      await put({ n: 1, email: 'plain.marker@example.org' });
      const row = await t.app.store.db
        .selectFrom('queue_messages')
        .select('payload')
        .executeTakeFirstOrThrow();
      assert.ok(!Buffer.from(row.payload).toString('latin1').includes('plain.marker'));
    });

    it('enqueues a batch atomically: an invalid item stores nothing', async () => {
      await assert.rejects(
        queue.enqueue([
          { tenantId: T, queue: Q, payload: { n: 1 } },
          { tenantId: T, queue: Q, payload: { n: 2 }, notBefore: Number.NaN },
        ]),
        /notBefore/,
      );
      assert.equal(await liveRows(), 0);
      const results = await queue.enqueue([1, 2, 3].map((n) => ({ tenantId: T, queue: Q, payload: { n } })));
      assert.deepEqual(
        results.map((r) => r.status),
        ['enqueued', 'enqueued', 'enqueued'],
      );
      assert.deepEqual(ns(await claim()), [1, 2, 3]);
    });

    it('delivers one message per key at a time, in enqueue order', async () => {
      await queue.enqueue([
        { tenantId: T, queue: Q, payload: { n: 1 }, key: 'k1' },
        { tenantId: T, queue: Q, payload: { n: 2 }, key: 'k1' },
        { tenantId: T, queue: Q, payload: { n: 3 }, key: 'k2' },
        { tenantId: T, queue: Q, payload: { n: 4 } },
        { tenantId: T, queue: Q, payload: { n: 5 }, key: 'k1' },
      ]);
      const first = await claim();
      assert.deepEqual(ns(first), [1, 3, 4]);
      assert.deepEqual(await claim(), [], 'nothing else while k1 and k2 are in flight');
      await queue.complete(first.filter((m) => m.payload.n === 1));
      assert.deepEqual(ns(await claim()), [2]);
    });

    it('never lets a blocked key hold back other keys', async () => {
      await queue.enqueue([
        { tenantId: T, queue: Q, payload: { n: 1 }, key: 'blocked' },
        { tenantId: T, queue: Q, payload: { n: 2 }, key: 'blocked' },
        { tenantId: T, queue: Q, payload: { n: 3 }, key: 'free' },
      ]);
      const [head] = await claim(1);
      assert.equal(head!.payload.n, 1);
      await queue.abandon([head!], { notBefore: t.clock.now() + 3_600_000 });
      const others = await claim();
      assert.deepEqual(ns(others), [3]);
      await queue.complete(others);
      t.clock.advance(3_600_000);
      assert.deepEqual(ns(await claim()), [1], 'the head comes back first, then the rest of its key');
    });

    it('redelivers after the lease expires and fences the old lease', async () => {
      await put({ n: 1 });
      const [first] = await claim(1, 60_000);
      t.clock.advance(59_000);
      assert.deepEqual(await claim(), [], 'still leased');
      t.clock.advance(2_000);
      const [second] = await claim();
      assert.equal(second!.deliveryCount, 2);
      assert.deepEqual(
        (await queue.complete([first!])).map((r) => r.status),
        ['lease-lost'],
      );
      assert.deepEqual(
        (await queue.complete([second!])).map((r) => r.status),
        ['ok'],
      );
    });

    describe('waking idle deliverers', () => {
      it('an idle waiter is woken by an enqueue without the clock moving', async () => {
        const before = t.clock.now();
        const mark = await queue.workMark(Q);
        assert.deepEqual(await claim(), []);
        const waiting = queue.waitForWork({ queue: Q, since: mark, timeoutMs: 60_000 });
        await put({ n: 1 });
        assert.equal(await waiting, 'notified');
        assert.equal(t.clock.now(), before);
        // The wait's sleep was cancelled: nothing is left waiting on the clock.
        assert.equal(t.clock.sleepers, 0);
        assert.deepEqual(ns(await claim()), [1]);
      });

      it('an enqueue between the empty claim and the wait is not missed', async () => {
        const mark = await queue.workMark(Q);
        assert.deepEqual(await claim(), []);
        await queue.enqueue([{ tenantId: T, queue: Q, payload: { n: 2 }, messageId: 'm-2' }]);
        // The NOTIFY of another connection arrives in its own time; the mark catches it either way.
        for (let i = 0; i < 200 && (await queue.workMark(Q)) === mark; i++) await setImmediatePromise();
        assert.equal(await queue.waitForWork({ queue: Q, since: mark, timeoutMs: 60_000 }), 'notified');
      });

      it('an idle waiter times out on the clock when nothing comes', async () => {
        const waiting = queue.waitForWork({ queue: `${Q}-quiet`, timeoutMs: 5_000 });
        while (t.clock.sleepers === 0) await setImmediatePromise();
        t.clock.advance(5_000);
        assert.equal(await waiting, 'timeout');
      });

      it('a wait ends with the abort signal', async () => {
        const stop = new AbortController();
        const waiting = queue.waitForWork({ queue: Q, timeoutMs: 60_000, signal: stop.signal });
        while (t.clock.sleepers === 0) await setImmediatePromise();
        stop.abort(new Error('stopping'));
        await assert.rejects(waiting, /stopping/);
        assert.equal(t.clock.sleepers, 0);
      });
    });

    describe('claims of a process that stopped', () => {
      const HOST = 'worker-1';
      const DEAD = 4001;
      const LIVE = 4002;
      const alive = (pid: number) => pid !== DEAD;
      const others: App[] = [];
      /** Another koppel on the same store, as another process or a later start would be. */
      const koppel = async (owner: LeaseOwner) => {
        const app = await createApp(t.app.config, {
          env: { KOPPEL_MASTER_KEY: TEST_MASTER_KEY },
          clock: t.clock,
          leaseOwner: owner,
          processAlive: alive,
        });
        others.push(app);
        return app.queue;
      };
      afterEach(async () => {
        for (const app of others.splice(0)) await app.close();
      });

      it('takes them back at once after a restart, and only those of processes that are gone', async () => {
        await start({}, { leaseOwner: { host: HOST, pid: 4000, instance: 'now' }, processAlive: alive });
        for (let n = 1; n <= 5; n++) await put({ n });
        const claimBy = async (q: Queue, n: number) => {
          const [m] = await q.claim<{ n: number }>({ queue: Q, limit: 1, leaseMs: 60_000 });
          assert.equal(m?.payload.n, n);
          return m!;
        };
        const killed = await claimBy(await koppel({ host: HOST, pid: DEAD, instance: 'a' }), 1);
        const samePidEarlierStart = await claimBy(await koppel({ host: HOST, pid: 4000, instance: 'b' }), 2);
        await claimBy(await koppel({ host: HOST, pid: LIVE, instance: 'c' }), 3);
        await claimBy(await koppel({ host: 'worker-2', pid: DEAD, instance: 'd' }), 4);
        await claimBy(queue, 5);

        assert.equal(
          await queue.releaseOrphanedLeases(),
          2,
          'the dead pid and the earlier start of this pid',
        );
        const again = await claim(10);
        assert.deepEqual(ns(again).sort(), [1, 2], 'delivered again without waiting for the lease');
        assert.deepEqual(
          (await queue.complete([killed, samePidEarlierStart])).map((r) => r.status),
          ['lease-lost', 'lease-lost'],
          'the old claims are fenced off',
        );
        assert.equal(await queue.releaseOrphanedLeases(), 0, 'nothing of live processes or other machines');
        await queue.complete(again);
        t.clock.advance(60_001);
        assert.deepEqual(ns(await claim(10)).sort(), [3, 4, 5], 'the rest wait out their lease as before');
      });
    });

    it('renews a lease', async () => {
      await put({ n: 1 });
      const [m] = await claim(1, 60_000);
      t.clock.advance(50_000);
      assert.deepEqual(
        (await queue.renew([m!], 60_000)).map((r) => r.status),
        ['ok'],
      );
      t.clock.advance(50_000);
      assert.deepEqual(await claim(), [], 'the renewed lease still holds');
      assert.deepEqual(
        (await queue.complete([m!])).map((r) => r.status),
        ['ok'],
      );
    });

    it('abandons with exponential backoff and jitter', async () => {
      await start({ queue: { backoffBaseMs: 1_000, backoffMaxMs: 60_000 } });
      await put({ n: 1 });
      const delays: number[] = [];
      for (let i = 0; i < 4; i++) {
        const [m] = await claim();
        assert.equal(m!.deliveryCount, i + 1);
        await queue.abandon([m!], { error: 'remote said 503' });
        const row = await t.app.store.db
          .selectFrom('queue_messages')
          .select('visible_at')
          .executeTakeFirstOrThrow();
        const delay = row.visible_at - t.clock.now();
        const nominal = 1_000 * 2 ** i;
        assert.ok(delay >= nominal / 2 && delay <= nominal, `attempt ${i + 1}: ${delay} ms`);
        assert.deepEqual(await claim(), [], 'not before the backoff has passed');
        delays.push(delay);
        t.clock.advance(delay);
      }
      assert.equal(new Set(delays.map((d, i) => d / 2 ** i)).size > 1, true, 'the delays are jittered');
      assert.ok(delays[3]! > delays[0]!, 'the delay grows');
    });

    it('honours a not-before time given by the caller and can leave the delivery uncounted', async () => {
      await put({ n: 1 });
      const [m] = await claim();
      await queue.abandon([m!], { notBefore: t.clock.now() + 30_000, countDelivery: false });
      t.clock.advance(29_999);
      assert.deepEqual(await claim(), []);
      t.clock.advance(1);
      const [again] = await claim();
      assert.equal(again!.deliveryCount, 1, 'a 429 does not use up an attempt');
    });

    it('dead-letters after the maximum deliveries, with reason and description', async () => {
      await start({ queue: { maxDeliveries: 3 } });
      await put({ n: 1 }, { key: 'k' });
      await put({ n: 2 }, { key: 'k' });
      for (let i = 0; i < 3; i++) {
        const [m] = await claim(1);
        assert.equal(m!.payload.n, 1);
        const [r] = await queue.abandon([m!], { notBefore: t.clock.now(), error: 'HTTP 500 from remote' });
        assert.equal(r!.status, i < 2 ? 'ok' : 'dead-lettered');
      }
      const [dead] = await queue.listDeadLetters();
      assert.equal(dead!.reason, 'MaxDeliveryCountExceeded');
      assert.equal(dead!.description, 'HTTP 500 from remote');
      assert.equal(dead!.deliveryCount, 3);
      assert.equal(dead!.key, 'k');
      assert.ok(!('payload' in dead!), 'dead-letter listings never carry payloads');
      assert.deepEqual(ns(await claim()), [2], 'the key moves on');
    });

    it('dead-letters a message whose lease kept expiring (crashed workers)', async () => {
      await start({ queue: { maxDeliveries: 2 } });
      await put({ n: 1 });
      for (let i = 0; i < 2; i++) {
        assert.equal((await claim(1, 1_000)).length, 1);
        t.clock.advance(1_001);
      }
      assert.deepEqual(await claim(), []);
      const [dead] = await queue.listDeadLetters();
      assert.equal(dead!.reason, 'MaxDeliveryCountExceeded');
    });

    it('dead-letters at once on a permanent error', async () => {
      await put({ n: 1 });
      const [m] = await claim();
      const [r] = await queue.deadLetter([m!], 'permanent', 'emailaddress1: not a valid e-mail address');
      assert.equal(r!.status, 'dead-lettered');
      const dead = await queue.getDeadLetter(m!.seq);
      assert.equal(dead!.reason, 'permanent');
      assert.equal(dead!.description, 'emailaddress1: not a valid e-mail address');
      assert.equal((await queue.stats())[0]!.dead, 1);
      assert.deepEqual(await queue.readDeadLetterPayload(m!.seq), { payload: { n: 1 } });
      assert.equal(await queue.readDeadLetterPayload(m!.seq + 1000), undefined, 'no such dead letter');
    });

    it('replays dead letters to the back of their key with a fresh delivery count', async () => {
      await put({ n: 1 }, { key: 'k' });
      const [m] = await claim();
      await queue.deadLetter([m!], 'permanent', 'rejected');
      await put({ n: 2 }, { key: 'k' });
      assert.equal(await queue.replayDeadLetters([m!.seq]), 1);
      assert.deepEqual(await queue.listDeadLetters(), []);
      const [next] = await claim();
      assert.equal(next!.payload.n, 2);
      await queue.complete([next!]);
      const [replayed] = await claim();
      assert.equal(replayed!.payload.n, 1);
      assert.equal(replayed!.deliveryCount, 1);
    });

    it('purges dead letters by id and all at once', async () => {
      await queue.enqueue([1, 2, 3].map((n) => ({ tenantId: T, queue: Q, payload: { n } })));
      const ms = await claim();
      await queue.deadLetter(ms, 'permanent', 'rejected');
      assert.equal(await queue.purgeDeadLetters([ms[0]!.seq]), 1);
      assert.equal((await queue.listDeadLetters()).length, 2);
      assert.equal(await queue.purgeDeadLetters('all'), 2);
      assert.equal(await liveRows(), 0);
    });

    it('deletes dead letters when they reach the retention period (14 days by default)', async () => {
      await put({ n: 1 });
      await queue.deadLetter(await claim(), 'permanent', 'rejected');
      t.clock.advance(14 * DAY - 1);
      assert.equal((await queue.purgeExpired()).deadLetters, 0);
      t.clock.advance(1);
      assert.equal((await queue.purgeExpired()).deadLetters, 1);
      assert.equal(await liveRows(), 0);
    });

    it('honours a shorter retention period', async () => {
      await start({ queue: { deadLetterRetentionDays: 1 } });
      await put({ n: 1 });
      await queue.deadLetter(await claim(), 'permanent', 'rejected');
      t.clock.advance(DAY);
      assert.equal((await queue.purgeExpired()).deadLetters, 1);
    });

    it('coalesces a newer message into the pending one of its key, never into one in flight', async () => {
      const c = (n: number) => put({ n }, { key: 'k', coalesce: true });
      assert.equal((await c(1))[0]!.status, 'enqueued');
      assert.equal((await c(2))[0]!.status, 'coalesced');
      const [inFlight] = await claim();
      assert.equal(inFlight!.payload.n, 2);
      assert.equal((await c(3))[0]!.status, 'enqueued', 'the in-flight message is left alone');
      assert.equal((await c(4))[0]!.status, 'coalesced');
      await queue.complete([inFlight!]);
      const [next] = await claim();
      assert.equal(next!.payload.n, 4);
      assert.deepEqual(await claim(), []);
    });

    it('detects duplicates by message id within the window', async () => {
      await start({ queue: { duplicateWindowSeconds: 600 } });
      const send = (n: number) => put({ n }, { messageId: 'change-123' });
      assert.equal((await send(1))[0]!.status, 'enqueued');
      assert.equal((await send(2))[0]!.status, 'duplicate');
      const inBatch = await queue.enqueue([
        { tenantId: T, queue: Q, payload: { n: 3 }, messageId: 'b' },
        { tenantId: T, queue: Q, payload: { n: 4 }, messageId: 'b' },
      ]);
      assert.deepEqual(
        inBatch.map((r) => r.status),
        ['enqueued', 'duplicate'],
      );
      t.clock.advance(600_000);
      assert.equal((await send(5))[0]!.status, 'enqueued', 'after the window the id is accepted again');
      assert.deepEqual(ns(await claim()), [1, 3, 5]);
      const purged = async () => (await queue.purgeExpired()).dedupEntries;
      assert.equal(await purged(), 1, "b's window is over; message 5 renewed change-123's");
      assert.equal(await purged(), 0, 'a purged entry is gone');
      t.clock.advance(600_000);
      assert.equal(await purged(), 1, "change-123's renewed window is over too");
    });

    it('delivers a scheduled message not before its time', async () => {
      await put({ n: 1 }, { notBefore: t.clock.now() + 5_000 });
      assert.deepEqual(await claim(), []);
      assert.equal((await queue.stats())[0]!.scheduled, 1);
      t.clock.advance(5_000);
      assert.deepEqual(ns(await claim()), [1]);
    });

    it('claims per tenant when asked', async () => {
      await queue.enqueue([
        { tenantId: 'a', queue: Q, payload: { n: 1 } },
        { tenantId: 'b', queue: Q, payload: { n: 2 } },
      ]);
      assert.deepEqual(ns(await queue.claim({ queue: Q, tenantId: 'b', limit: 10 })), [2]);
    });

    it('never delivers a tampered payload: dead-letters it as integrity and raises a security event', async () => {
      await put({ n: 1 });
      const row = await t.app.store.db
        .selectFrom('queue_messages')
        .select(['seq', 'payload'])
        .executeTakeFirstOrThrow();
      const flipped = Buffer.from(row.payload);
      flipped[flipped.length - 1]! ^= 0x01;
      await t.app.store.db
        .updateTable('queue_messages')
        .set({ payload: flipped })
        .where('seq', '=', row.seq)
        .execute();
      assert.deepEqual(await claim(), []);
      const [dead] = await queue.listDeadLetters();
      assert.equal(dead!.reason, 'integrity');
      assert.equal(events.length, 1);
      assert.equal(events[0]!.kind, 'queue.integrity');
      const stored = await t.app.store.db.selectFrom('security_events').selectAll().execute();
      assert.equal(stored.length, 1);
    });

    it('dead-letters a payload stored as TEXT as integrity instead of failing the claim', {
      skip: backend !== 'sqlite' && "PostgreSQL's bytea column cannot hold text",
    }, async () => {
      await put({ n: 1 });
      await put({ n: 2 });
      const first = await t.app.store.db
        .selectFrom('queue_messages')
        .select('seq')
        .orderBy('seq')
        .executeTakeFirstOrThrow();
      await sql`UPDATE queue_messages SET payload = CAST(payload AS TEXT) WHERE seq = ${first.seq}`.execute(
        t.app.store.db,
      );
      assert.deepEqual(ns(await claim()), [2], 'the other message is still delivered');
      const [dead] = await queue.listDeadLetters();
      assert.equal(dead!.reason, 'integrity');
      assert.equal(events[0]!.kind, 'queue.integrity');
    });

    it("stores an error's wording without the values a remote service quoted back", async () => {
      await put({ n: 1 });
      await put({ n: 2 });
      const [a, b] = await claim();
      await queue.abandon([a!], { error: "VALIDATION_ERROR: 'Jansen' is too long for lastName" });
      await queue.deadLetter([b!], 'rejected', 'Invalid email address jan.jansen@example.invalid (code 400)');
      const row = await t.app.store.db
        .selectFrom('queue_messages')
        .select('last_error')
        .where('seq', '=', a!.seq)
        .executeTakeFirstOrThrow();
      assert.equal(row.last_error, "VALIDATION_ERROR: '[redacted]' is too long for lastName");
      const [dead] = await queue.listDeadLetters();
      assert.equal(dead!.description, 'Invalid email address [redacted] (code 400)');
    });

    it('refuses a ciphertext copied to another tenant or message', async () => {
      await queue.enqueue([
        { tenantId: 'a', queue: Q, payload: { n: 1 }, messageId: 'm1' },
        { tenantId: 'b', queue: Q, payload: { n: 2 }, messageId: 'm2' },
        { tenantId: 'a', queue: Q, payload: { n: 3 }, messageId: 'm3' },
      ]);
      const rows = await t.app.store.db
        .selectFrom('queue_messages')
        .select(['seq', 'payload'])
        .orderBy('seq')
        .execute();
      const db = t.app.store.db;
      await db
        .updateTable('queue_messages')
        .set({ payload: rows[0]!.payload })
        .where('seq', '=', rows[1]!.seq)
        .execute();
      await db
        .updateTable('queue_messages')
        .set({ payload: rows[0]!.payload })
        .where('seq', '=', rows[2]!.seq)
        .execute();
      assert.deepEqual(ns(await claim()), [1]);
      const reasons = (await queue.listDeadLetters()).map((d) => [d.messageId, d.reason]);
      assert.deepEqual(reasons, [
        ['m2', 'integrity'],
        ['m3', 'integrity'],
      ]);
      assert.equal(events.length, 2);
    });

    it('reports statistics per tenant and queue', async () => {
      await queue.enqueue([
        { tenantId: T, queue: Q, payload: { n: 1 } },
        { tenantId: T, queue: Q, payload: { n: 2 } },
        { tenantId: T, queue: 'dataverse', payload: { n: 3 } },
      ]);
      await claim(1);
      const stats = await queue.stats();
      const mp = stats.find((s) => s.queue === Q)!;
      assert.deepEqual([mp.ready, mp.inFlight, mp.scheduled, mp.dead], [1, 1, 0, 0]);
      assert.equal(mp.oldestEnqueuedAt, t.clock.now());
      assert.equal(stats.find((s) => s.queue === 'dataverse')!.ready, 1);
    });
  });
}
