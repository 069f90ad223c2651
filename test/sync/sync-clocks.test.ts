import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type Clock, ManualClock } from '../../src/clock.js';
import { syncRound } from '../../src/sync/tenant-sync.js';
import { pendingMessages, permission, type SyncHarness, startSyncHarness } from './sync-harness.js';

/**
 * The sync with clocks that disagree: each emulator runs on its own clock, koppel on the system clock.
 * Dataverse's change feed is versioned, but Mail+'s is a time window ([until - overlap, koppel's now]
 * against Mail+'s lastChanged stamps), so Mail+'s skew is what could lose or delay a change:
 * - behind koppel: a change is stamped in koppel's past. koppel ends each window, and starts the
 *   first, on Mail+'s clock (its Date header), so no overlap has to cover the skew: the last suite
 *   runs with an overlap far shorter than it (before that anchoring, it lost the unsubscribe);
 * - ahead of koppel: a change is stamped in koppel's future; the window ends at Mail+'s now (its
 *   Date header told koppel how far ahead it runs), so the next poll reads it.
 */
interface Clocks {
  mailplusAheadMs: number;
  dataverseAheadMs: number;
  overlapMs: number;
}

/** A service clock `aheadMs` ahead of koppel's (behind when negative): the same time, skewed. */
const skewed = (base: ManualClock, aheadMs: number): Clock => ({
  now: () => base.now() + aheadMs,
  sleep: (ms, signal) => base.sleep(ms, signal),
});
const FEED = 'GET /contact/updates/list';

function start(clocks: Clocks): Promise<SyncHarness> {
  const clock = new ManualClock(Date.now(), { autoAdvanceUpToMs: 5_000 });
  return startSyncHarness({
    contacts: 12,
    clock,
    mailplusOptions: { clock: skewed(clock, clocks.mailplusAheadMs) },
    dataverseOptions: { clock: skewed(clock, clocks.dataverseAheadMs) },
    appOptions: { mailplusOverlapMs: clocks.overlapMs },
  });
}

/** Waits until koppel's clock has passed every Mail+ stamp: only then can a window hold them all. */
async function untilMailplusStampsPast(h: SyncHarness): Promise<void> {
  const newest = Math.max(0, ...h.mailplus.admin.contacts().map((c) => c.lastChanged));
  const wait = newest - h.ctx.clock.now() + 20;
  if (wait > 0) h.clock.advance(wait);
}

/** Settles, and again after every Mail+ change (koppel's echoes too) can be in a window: no leftovers. */
async function settleAll(h: SyncHarness): Promise<void> {
  for (let i = 0; i < 10; i++) {
    await h.settle();
    await untilMailplusStampsPast(h);
    const r = await h.round();
    if (r.deliveredToDataverse + r.deliveredToMailplus === 0 && (await pendingMessages(h.t)) === 0) return;
  }
  throw new Error('the sync did not settle across the clock skew');
}

/** Reads both feeds and enqueues, delivering nothing: lets two edits of one contact queue up. */
async function readOnlyRound(h: SyncHarness): Promise<void> {
  await untilMailplusStampsPast(h);
  // mailplusFrom is unused: the feed's start was stored by the first round.
  await syncRound(h.ctx, { mailplusFrom: 0, maxBatches: 0 });
  // A moment passes before the test's next edit, as between rounds.
  h.clock.advance(500);
}

/** The updates-feed windows koppel asked for since the last resetRequests (epoch ms, koppel's clock). */
function feedWindows(h: SyncHarness): Array<{ from: number; to: number }> {
  return h.mailplus.admin
    .requestLog()
    .filter((r) => r.route === FEED)
    .map((r) => {
      const query = new Map(r.query);
      return { from: Date.parse(query.get('fromDate')!), to: Date.parse(query.get('toDate')!) };
    });
}

function clockSuite(title: string, clocks: Clocks): void {
  describe(title, () => {
    let h: SyncHarness;
    let ids: string[];

    before(async () => {
      h = await start(clocks);
      ids = h.dataverse.admin
        .listContacts()
        .filter((row) => row.donotbulkemail === false)
        .map((row) => String(row.contactid));
      assert.ok(ids.length >= 6, 'enough contacts that allow bulk e-mail');
    });
    after(async () => h.close());

    it('loads every contact into Mail+ once and stamps it on the skewed clocks', async () => {
      await settleAll(h);
      assert.equal(h.mailplus.admin.contacts().length, 12);
      const mp = h.mailplus.admin.contact(ids[0]!)!;
      assert.equal(mp.properties.lastName, h.dataverse.admin.getContact(ids[0]!)!.lastname);
      if (clocks.dataverseAheadMs > 60_000) {
        const modifiedOn = Date.parse(String(h.dataverse.admin.getContact(ids[0]!)!.modifiedon));
        assert.ok(modifiedOn > h.ctx.clock.now() + 60_000, "Dataverse stamps lie in koppel's future");
      }
    });

    it('reads the load back from Mail+ as echoes and drops them: nothing bounces back', async () => {
      await untilMailplusStampsPast(h);
      const r = await h.round();
      assert.equal(r.deliveredToMailplus + r.deliveredToDataverse, 0);
      // Each loaded contact came back in some window (its stamp was inside one), as an echo.
      assert.ok(h.ctx.stats.mailplusRead >= 12, `read back ${h.ctx.stats.mailplusRead}`);
      assert.ok(h.ctx.stats.echoesDropped >= 12, `dropped ${h.ctx.stats.echoesDropped}`);
      assert.equal(h.ctx.stats.writtenToDataverse, 0);
    });

    it('carries an unsubscribe in Mail+ to Dataverse, however Mail+ stamped it', async () => {
      const id = ids[1]!;
      assert.equal(permission(h, id, 1), true);
      h.mailplus.admin.resetRequests();
      h.mailplus.admin.unsubscribe(id, 1);
      const stamp = h.mailplus.admin.contact(id)!.lastChanged;
      const skew = stamp - h.ctx.clock.now();
      assert.equal(Math.sign(skew), Math.sign(clocks.mailplusAheadMs), `stamped ${skew} ms off koppel's now`);
      await h.round();
      assert.equal(h.dataverse.admin.getContact(id)!.donotbulkemail, true, 'in the very next round');
      const [window] = feedWindows(h);
      assert.ok(window!.from <= stamp && stamp <= window!.to, "that round's window covered the stamp");
      await settleAll(h);
      assert.equal(h.dataverse.admin.getContact(id)!.donotbulkemail, true);
    });

    it('settles an edit of one field on both sides by its owner (Dataverse for names)', async () => {
      const id = ids[2]!;
      h.dataverse.admin.updateContact(id, { lastname: 'Bakker' });
      h.mailplus.admin.edit(id, { lastName: 'Visser', city: 'Gent' });
      await settleAll(h);
      assert.equal(h.dataverse.admin.getContact(id)!.lastname, 'Bakker');
      assert.equal(h.mailplus.admin.contact(id)!.properties.lastName, 'Bakker');
      assert.equal(
        h.dataverse.admin.getContact(id)!.address1_city,
        'Gent',
        'the field without conflict flows',
      );
    });

    it('applies two queued edits of one Mail+ field in order: Dataverse ends at the second', async () => {
      const id = ids[3]!;
      h.mailplus.admin.edit(id, { city: 'Delft' });
      await readOnlyRound(h);
      h.mailplus.admin.edit(id, { city: 'Breda' });
      await readOnlyRound(h);
      assert.equal(await pendingMessages(h.t), 2, 'both edits wait in the queue');
      await settleAll(h);
      assert.equal(h.dataverse.admin.getContact(id)!.address1_city, 'Breda');
      assert.equal(h.mailplus.admin.contact(id)!.properties.city, 'Breda');
    });

    it('applies two queued edits of one Dataverse field in order: Mail+ ends at the second', async () => {
      const id = ids[4]!;
      h.dataverse.admin.updateContact(id, { firstname: 'Anouk' });
      await readOnlyRound(h);
      h.dataverse.admin.updateContact(id, { firstname: 'Bregje' });
      await readOnlyRound(h);
      assert.equal(await pendingMessages(h.t), 2, 'both edits wait in the queue');
      await settleAll(h);
      assert.equal(h.mailplus.admin.contact(id)!.properties.firstName, 'Bregje');
      assert.equal(h.dataverse.admin.getContact(id)!.firstname, 'Bregje');
    });

    it('lets a later Mail+ edit win over an earlier Dataverse one, whatever the stamps say', async () => {
      const id = ids[5]!;
      h.dataverse.admin.updateContact(id, { jobtitle: 'Inkoper' });
      await settleAll(h);
      assert.equal(h.mailplus.admin.contact(id)!.properties.jobTitle, 'Inkoper');
      h.mailplus.admin.edit(id, { jobTitle: 'Verkoper' });
      const mailplusStamp = h.mailplus.admin.contact(id)!.lastChanged;
      await settleAll(h);
      assert.equal(h.dataverse.admin.getContact(id)!.jobtitle, 'Verkoper');
      assert.equal(h.mailplus.admin.contact(id)!.properties.jobTitle, 'Verkoper');
      if (clocks.dataverseAheadMs > clocks.mailplusAheadMs + 60_000) {
        const dataverseStamp = Date.parse(String(h.dataverse.admin.getContact(id)!.modifiedon));
        assert.ok(dataverseStamp > mailplusStamp, 'by the stamps, the Mail+ edit looks older');
      }
    });

    it('loops nothing: idle rounds after settling write to neither side', async () => {
      const writtenToDataverse = h.ctx.stats.writtenToDataverse;
      for (let i = 0; i < 2; i++) {
        await untilMailplusStampsPast(h);
        h.mailplus.admin.resetRequests();
        const r = await h.round();
        assert.equal(r.deliveredToMailplus + r.deliveredToDataverse, 0, `idle round ${i + 1}`);
        const writes = h.mailplus.admin.requestLog().filter((req) => req.method !== 'GET');
        assert.equal(writes.length, 0, 'no write reached Mail+');
      }
      assert.equal(h.ctx.stats.writtenToDataverse, writtenToDataverse);
      assert.equal(h.ctx.stats.deadLettered, 0);
    });
  });
}

clockSuite('sync with Mail+ 90 s behind koppel and Dataverse 1 h ahead (overlap 120 s)', {
  mailplusAheadMs: -90_000,
  dataverseAheadMs: 3_600_000,
  overlapMs: 120_000,
});

clockSuite('sync with Mail+ 1.5 s ahead of koppel (overlap 2 s)', {
  mailplusAheadMs: 1_500,
  dataverseAheadMs: 0,
  overlapMs: 2_000,
});

// Ahead needs no overlap: each window starts at or before the previous one's end (koppel's now),
// and a stamp in koppel's future lies after that end.
clockSuite('sync with Mail+ 1.5 s ahead of koppel and an overlap shorter than that (500 ms)', {
  mailplusAheadMs: 1_500,
  dataverseAheadMs: 0,
  overlapMs: 500,
});

// Behind by far more than the overlap: only the windows anchored on Mail+'s clock keep this whole.
clockSuite('sync with Mail+ 90 s behind koppel and an overlap far shorter than that (2 s)', {
  mailplusAheadMs: -90_000,
  dataverseAheadMs: 0,
  overlapMs: 2_000,
});
