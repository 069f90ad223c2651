import assert from 'node:assert/strict';
import { test } from 'node:test';
import { InteractionFeed } from '../../src/interactions/interaction-feed.js';
import { KnownContacts } from '../../src/interactions/known-contacts.js';
import { CheckpointStore } from '../../src/sync/checkpoint-store.js';
import { TENANT, withInteractions } from './interactions-harness.js';

const keysOf = (rows: Array<Record<string, unknown>>) => rows.map((r) => String(r.koppel_key));

test('a mailing goes out; sends, opens, clicks and bounces arrive as one activity each', async () => {
  await withInteractions({}, async (h) => {
    const [a, b, c] = h.linked();
    const mailing = h.mailplus.admin.sendMailing({ name: 'December news', subject: 'What is new' });
    h.mailplus.admin.interact('opened', mailing, a!);
    h.mailplus.admin.interact('clicked', mailing, a!);
    h.mailplus.admin.interact('bounced', mailing, b!, { bounceType: 'SOFT' });
    h.mailplus.admin.interact('opened', mailing, c!);
    const batchesBefore = h.dataverse.admin.requestLog().filter((r) => r.path.endsWith('$batch')).length;
    const result = await h.pass();
    assert.equal(result.read, 6 + 4);
    assert.equal(result.written, 10);
    const rows = h.activities();
    assert.equal(rows.length, 10);
    assert.equal(new Set(keysOf(rows)).size, 10);
    const click = rows.find((r) => r.koppel_interactiontype === 3)!;
    assert.equal(click._regardingobjectid_contact_koppel_mailinginteraction_value, a);
    assert.equal(click.koppel_mailingid, mailing);
    assert.equal(click.koppel_mailingname, 'December news');
    assert.equal(click.koppel_mailingsubject, 'What is new');
    assert.equal(rows.find((r) => r.koppel_interactiontype === 4)?.koppel_bouncetype, 2);
    const batches = h.dataverse.admin.requestLog().filter((r) => r.path.endsWith('$batch')).length;
    assert.equal(batches - batchesBefore, 1, 'ten activities in one $batch');
    const status = await h.t.app.interactions.status(TENANT);
    assert.deepEqual(status.written, { sent: 6, opened: 2, clicked: 1, bounced: 1 });
    assert.equal(status.errors, 0);
    assert.ok(status.lastReadAt !== null && status.lastInteractionAt !== null);
  });
});

test('the same window read twice writes no duplicate activity', async () => {
  await withInteractions({}, async (h) => {
    const start = await h.t.app.store.db
      .selectFrom('sync_checkpoints')
      .select('position')
      .where('tenant_id', '=', TENANT)
      .where('source', '=', 'interactions')
      .executeTakeFirst();
    assert.equal(start, undefined, 'no window before the first pass');
    const mailing = h.mailplus.admin.sendMailing({ name: 'Twice', subject: 'Read twice' });
    for (const id of h.linked()) h.mailplus.admin.interact('opened', mailing, id);
    await h.pass();
    const first = keysOf(h.activities()).sort();
    assert.equal(first.length, 12);
    // The overlap reads the end of the window again; then the whole window from its start again.
    await h.pass();
    const checkpoints = new CheckpointStore(h.t.app.store, h.clock);
    await checkpoints.set(
      TENANT,
      'interactions',
      JSON.stringify({ until: h.clock.now() - 60_000, seen: [] }),
    );
    const again = await h.pass();
    assert.equal(again.read, 12, 'the window was read again');
    assert.deepEqual(keysOf(h.activities()).sort(), first);
  });
});

test('a crash between the Dataverse write and the checkpoint writes no duplicate', async () => {
  await withInteractions({}, async (h) => {
    const mailing = h.mailplus.admin.sendMailing({ name: 'Crash', subject: 'Crash test' });
    for (const id of h.linked().slice(0, 3)) h.mailplus.admin.interact('clicked', mailing, id);
    const real = new CheckpointStore(h.t.app.store, h.clock);
    // The process dies right after the activities are in Dataverse, before the window is stored.
    const dying = Object.assign(Object.create(real) as CheckpointStore, {
      set: async () => {
        throw new Error('killed before the checkpoint');
      },
    });
    const crashing = new InteractionFeed({
      tenants: h.t.app.tenants,
      contextOf: (id) => h.engine.context(id),
      clock: h.clock,
      log: () => h.t.app.log,
      from: h.clock.now() - 5_000,
      checkpoints: dying,
      known: new KnownContacts(h.t.app.store),
    });
    h.clock.advance(1_000);
    await assert.rejects(crashing.run(TENANT), /killed before the checkpoint/);
    const written = keysOf(h.activities()).sort();
    assert.equal(written.length, 9, 'the activities were written before the crash');
    // The restarted process reads the same window again.
    const redo = await h.pass();
    assert.equal(redo.written, 9);
    assert.deepEqual(keysOf(h.activities()).sort(), written);
  });
});

test('the switch off: nothing is read from Mail+ and nothing written', async () => {
  await withInteractions({ settings: { 'interactions.enabled': false } }, async (h) => {
    const mailing = h.mailplus.admin.sendMailing({ name: 'Off', subject: 'Switched off' });
    h.mailplus.admin.interact('opened', mailing, h.linked()[0]!);
    const result = await h.pass();
    assert.equal(result.enabled, false);
    assert.equal(h.interactionCalls(), 0);
    assert.equal(h.activities().length, 0);
    assert.equal((await h.t.app.interactions.status(TENANT)).enabled, false);
  });
});

test('interactions of contacts koppel does not link are skipped and counted, never stored', async () => {
  await withInteractions({}, async (h) => {
    const [stranger] = h.mailplus.admin.seed(1);
    const mailing = h.mailplus.admin.sendMailing({ name: 'Strangers', subject: 'Not ours', to: [stranger!] });
    h.mailplus.admin.interact('opened', mailing, stranger!);
    const result = await h.pass();
    assert.equal(result.skippedUnlinked, 2);
    assert.equal(result.written, 0);
    assert.equal(h.activities().length, 0);
  });
});

test('a contact removed between the interaction and its write-back: nothing is written for it', async () => {
  await withInteractions({}, async (h) => {
    const [gone, goneUnsynced, kept] = h.linked();
    const mailing = h.mailplus.admin.sendMailing({
      name: 'Removed',
      subject: 'Gone',
      to: [gone!, goneUnsynced!, kept!],
    });
    // One is deleted and koppel has synced that (it is no longer in Mail+ for koppel) ...
    h.dataverse.admin.deleteContact(gone!);
    await h.settle();
    // ... the other is deleted in Dataverse just before the write-back: the write finds it missing.
    h.dataverse.admin.deleteContact(goneUnsynced!);
    const result = await h.pass();
    assert.equal(result.written, 1);
    assert.equal(result.skippedRemoved, 2);
    const regarding = h.activities().map((r) => r._regardingobjectid_contact_koppel_mailinginteraction_value);
    assert.deepEqual(regarding, [kept]);
    assert.equal(mailing.length > 0, true);
  });
});

test('a hard bounce sets the configured flag on the contact', async () => {
  await withInteractions(
    {
      settings: { 'interactions.hardBounceColumn': 'new_hardbounce' },
      dataverseOptions: { customColumns: { new_hardbounce: { type: 'boolean' } } },
    },
    async (h) => {
      const [hard, soft] = h.linked();
      const mailing = h.mailplus.admin.sendMailing({
        name: 'Bounces',
        subject: 'Bounce',
        to: [hard!, soft!],
      });
      h.mailplus.admin.interact('bounced', mailing, hard!, { bounceType: 'HARD' });
      h.mailplus.admin.interact('bounced', mailing, soft!, { bounceType: 'SOFT' });
      const result = await h.pass();
      assert.equal(result.hardBounceFlags, 1);
      assert.equal(h.dataverse.admin.getContact(hard!)?.new_hardbounce, true);
      assert.notEqual(h.dataverse.admin.getContact(soft!)?.new_hardbounce, true);
    },
  );
});

test('the campaign response target: activities are campaign responses regarding the campaign', async () => {
  await withInteractions({}, async (h) => {
    const campaignId = h.dataverse.admin.createCampaign('Winter campaign');
    await h.t.app.tenants.updateSettings(TENANT, {
      'interactions.target': 'campaign-response',
      'interactions.campaignId': campaignId,
    });
    const mailing = h.mailplus.admin.sendMailing({
      name: 'Winter',
      subject: 'Cold',
      to: h.linked().slice(0, 2),
    });
    assert.ok(mailing);
    const result = await h.pass();
    assert.equal(result.written, 2);
    const rows = h.activities('campaignresponses');
    assert.equal(rows.length, 2);
    assert.ok(rows.every((r) => r._regardingobjectid_campaign_campaignresponse_value === campaignId));
    assert.equal(h.activities().length, 0);
  });
});

test('without the solution installed the pass fails, names the cause, and keeps its window', async () => {
  await withInteractions({ dataverseOptions: { activityTables: false } }, async (h) => {
    h.mailplus.admin.sendMailing({ name: 'Nowhere', subject: 'No table', to: h.linked().slice(0, 1) });
    h.clock.advance(1_000);
    await assert.rejects(h.t.app.interactions.run(TENANT), /koppel_mailinginteractions|404/);
    const status = await h.t.app.interactions.status(TENANT);
    assert.equal(status.errors, 1);
    assert.equal(status.lastErrorKind, 'RetryableError');
    const stored = await new CheckpointStore(h.t.app.store, h.clock).get(TENANT, 'interactions');
    assert.equal(JSON.parse(stored!).seen.length, 0, 'the window was not advanced past the failed writes');
  });
});
