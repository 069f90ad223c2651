import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { sql } from 'kysely';
import { ManualClock } from '../../src/clock.js';
import { PG_SKIP_REASON } from '../helpers/stores.js';
import { ADMIN, DPO, registerApp } from './register-fixtures.js';

const DAY = 86_400_000;

for (const backend of ['sqlite', 'postgres'] as const) {
  describe(`incident retention (${backend})`, { skip: backend === 'postgres' && PG_SKIP_REASON }, () => {
    it('purges a closed incident 5 years after closing, never an open one', async () => {
      // In the past, so the database's own clock (which its triggers use) is past the retention too.
      const start = Date.UTC(2019, 4, 1);
      const clock = new ManualClock(start);
      const f = await registerApp(backend, {}, clock);
      try {
        const { incidents, retention } = f.app;
        const closed = await incidents.report({ title: 'Closed one', tenants: ['acme'] }, ADMIN);
        const open = await incidents.report({ title: 'Open one', tenants: ['acme'] }, ADMIN);
        await incidents.evidence.add(closed.id, 'log.txt', Buffer.from('a log line'), ADMIN);
        await incidents.advance(closed.id, 'triage', { reason: 'check' }, ADMIN);
        await incidents.advance(closed.id, 'not-a-breach', { reason: 'no personal data' }, DPO);
        await incidents.append(closed.id, { type: 'lessons-learned', text: 'none' }, DPO);
        const done = await incidents.advance(closed.id, 'closed', { reason: 'done' }, DPO);
        const closedAt = done.closedAt ?? 0;
        const status = new Map((await retention.status()).map((s) => [s.id, s]));
        assert.equal(status.get('incidents')?.items, 2);
        assert.equal(status.get('incidents')?.dueAt, Date.UTC(2024, 4, 1), '5 calendar years after closing');
        assert.match(status.get('incidents')?.policy ?? '', /never deleted while open/);

        clock.set(closedAt + 5 * 365 * DAY - DAY);
        assert.equal((await retention.run()).purged.incidents, 0, 'not before its purge_after');
        clock.set(Date.UTC(2024, 4, 1));
        assert.equal((await retention.run()).purged.incidents, 1);
        assert.deepEqual(
          (await incidents.list()).map((i) => i.id),
          [open.id],
        );
        const db = f.app.store.db;
        const left = await db.selectFrom('incident_events').select('incident_id').distinct().execute();
        assert.deepEqual(
          left.map((r) => r.incident_id),
          [open.id],
        );
        assert.equal((await db.selectFrom('incident_evidence').selectAll().execute()).length, 0);
        // Years later still, the open incident stays, and the database refuses to delete it directly.
        clock.set(Date.UTC(2030, 0, 1));
        assert.equal((await retention.run()).purged.incidents, 0);
        await assert.rejects(sql`DELETE FROM incident_events`.execute(db), /retention/);
        await assert.rejects(sql`DELETE FROM incidents`.execute(db), /retention/);
        assert.equal((await incidents.get(open.id)).state, 'reported');
      } finally {
        await f.close();
      }
    });

    it('stores evidence sealed and size-capped, listed by name and hash', async () => {
      const f = await registerApp(backend, { incidents: { evidenceMaxBytes: 2048 } });
      try {
        const { incidents } = f.app;
        const { id } = await incidents.report({ title: 'Evidence', tenants: ['acme'] }, ADMIN);
        const ref = await incidents.evidence.add(
          id,
          'screenshot.png',
          Buffer.from('marker-5e1f content'),
          ADMIN,
        );
        assert.equal(ref.bytes, 19);
        assert.match(ref.sha256, /^[0-9a-f]{64}$/);
        assert.deepEqual(
          (await incidents.evidence.list(id)).map((e) => [e.name, e.sha256]),
          [['screenshot.png', ref.sha256]],
        );
        const back = await incidents.evidence.read(id, ref.id);
        assert.equal(back.content.toString(), 'marker-5e1f content');
        const raw = await f.app.store.db.selectFrom('incident_evidence').selectAll().execute();
        assert.ok(
          !Buffer.from(raw[0]?.content ?? [])
            .toString('latin1')
            .includes('marker-5e1f'),
        );
        await assert.rejects(
          incidents.evidence.add(id, 'big.bin', Buffer.alloc(2049), ADMIN),
          /2049 bytes; the limit is 2048 bytes \(incidents.evidenceMaxBytes\)/,
        );
        await assert.rejects(
          sql`UPDATE incident_evidence SET bytes = 1`.execute(f.app.store.db),
          /append-only/,
        );
      } finally {
        await f.close();
      }
    });
  });
}
