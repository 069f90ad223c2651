import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { syncRound } from '../../src/sync/tenant-sync.js';
import { startSyncHarness } from './sync-harness.js';

describe('first load backlog', () => {
  it('reads the next Dataverse page only while few of its messages still wait for Mail+', async () => {
    const h = await startSyncHarness({ contacts: 15_000 });
    try {
      await syncRound(h.ctx, { mailplusFrom: h.clock.now(), maxBacklog: 1_000 });
      assert.equal(h.mailplus.admin.contacts().length, 15_000, 'the whole load arrived');
      // The engine's high-water mark, taken where the backlog peaks: after each page is enqueued.
      // The check runs before each page of 5000, so at most one page more than the limit waits.
      const peak = h.ctx.stats.peakBacklog;
      assert.ok(peak <= 1_000 + 5_000, `at most ${1_000 + 5_000} messages waited (peak ${peak})`);
      assert.ok(peak >= 5_000, `a whole page waited at once (peak ${peak})`);
    } finally {
      await h.close();
    }
  });
});
