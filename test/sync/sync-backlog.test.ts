import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { syncRound } from '../../src/sync/tenant-sync.js';
import { startSyncHarness } from './sync-harness.js';

describe('first load backlog', () => {
  it('reads the next Dataverse page only while few of its messages still wait for Mail+', async () => {
    const h = await startSyncHarness({ contacts: 15_000 });
    try {
      let peak = 0;
      const sampler = setInterval(() => {
        peak = Math.max(peak, h.ctx.stats.enqueuedToMailplus - h.ctx.stats.writtenToMailplus);
      }, 5);
      try {
        await syncRound(h.ctx, { mailplusFrom: Date.now(), maxBacklog: 1_000 });
      } finally {
        clearInterval(sampler);
      }
      assert.equal(h.mailplus.admin.contacts().length, 15_000, 'the whole load arrived');
      // The check runs before each page of 5000, so at most one page more than the limit waits.
      assert.ok(peak <= 1_000 + 5_000, `at most ${1_000 + 5_000} messages waited (peak ${peak})`);
      assert.ok(peak > 0, 'the sampler saw the load');
    } finally {
      await h.close();
    }
  });
});
