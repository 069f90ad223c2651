import assert from 'node:assert/strict';
import { test } from 'node:test';
import { demoInteractions } from '../../src/interactions/demo-interactions.js';
import { TENANT, withInteractions } from './interactions-harness.js';

test('the demo step: a mailing goes out and its interactions arrive in Dataverse as activities', async () => {
  await withInteractions({ settings: { 'interactions.enabled': false } }, async (h) => {
    const lines: string[] = [];
    const arrived = await demoInteractions({
      app: h.t.app,
      tenantId: TENANT,
      dataverse: h.dataverse,
      mailplus: h.mailplus,
      out: (line) => lines.push(line),
      pollIntervalMs: 1_000,
    });
    assert.equal(arrived, true, lines.join('\n'));
    const counts = h.mailplus.admin.interactionCounts();
    const total = counts.sent + counts.opened + counts.clicked + counts.bounced;
    assert.equal(h.activities().length, total);
    assert.ok(counts.sent === 6 && counts.opened > 0);
    assert.match(lines.at(-1)!, /in Dataverse: \d+ of \d+ activities/);
  });
});
