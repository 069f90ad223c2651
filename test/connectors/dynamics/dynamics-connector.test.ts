import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ManualClock } from '../../../src/clock.js';
import { type ChangeRound, DynamicsContactSource } from '../../../src/connectors/dynamics/index.js';
import { pagesOf, startHarness } from './helpers.js';

test('the change feed resumes from its checkpoint and turns an expired one into resync-required', async () => {
  const clock = new ManualClock();
  const h = await startHarness({ seedContacts: 4, clock, changeTokenLifetimeMs: 60_000 });
  try {
    const source = new DynamicsContactSource(h.client, ['emailaddress1']);
    const first = await pagesOf(source.changes(null));
    const checkpoint = (first.at(-1) as Extract<ChangeRound, { kind: 'changes' }>).deltaLink;
    assert.equal(
      first.reduce((n, r) => n + (r.kind === 'changes' ? r.upserts.length : 0), 0),
      4,
    );

    const gone = String(h.emulator.admin.listContacts()[0]!.contactid);
    h.emulator.admin.deleteContact(gone);
    const next = await pagesOf(source.changes(checkpoint));
    assert.deepEqual(
      next.map((r) => (r.kind === 'changes' ? r.deletes : r.kind)),
      [[gone]],
    );

    clock.advance(120_000);
    const expired = await pagesOf(source.changes(checkpoint));
    assert.equal(expired.length, 1);
    assert.equal(expired[0]!.kind, 'resync-required');

    const list = h.emulator.admin.createList('Leden');
    const members = h.emulator.admin.listContacts().map((c) => String(c.contactid));
    h.emulator.admin.addListMembers(list.listid, members);
    assert.deepEqual([...(await source.listScope(list.listid))].sort(), members.sort());
  } finally {
    await h.close();
  }
});
