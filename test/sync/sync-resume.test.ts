import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Queue } from '../../src/queue/queue.js';
import { pollDataverse } from '../../src/sync/dataverse-poller.js';
import { startSyncHarness } from './sync-harness.js';

describe('initial load after a crash', () => {
  it('resumes at the page after the last one enqueued instead of starting over', async () => {
    const h = await startSyncHarness({ contacts: 12_000 });
    try {
      const real = h.ctx.queue;
      let enqueues = 0;
      // The process "dies" while enqueuing the second page (5000 contacts per page, in slices of 1000).
      const dying: Queue = Object.create(real, {
        enqueue: {
          value: (items: Parameters<Queue['enqueue']>[0]) => {
            if (++enqueues === 6) return Promise.reject(new Error('simulated crash'));
            return real.enqueue(items);
          },
        },
      });
      await assert.rejects(pollDataverse({ ...h.ctx, queue: dying }), /simulated crash/);
      const checkpoint = await h.ctx.checkpoints.get(h.ctx.tenantId, 'dataverse');
      assert.match(checkpoint ?? '', /skiptoken/i, 'the checkpoint is the next page, not the start');

      const before = h.dataverse.admin.requestCounts().total;
      const resumed = await pollDataverse(h.ctx);
      assert.equal(resumed.read, 7_000, 'pages 2 and 3 only');
      assert.ok(
        h.dataverse.admin.requestCounts().total - before <= 3,
        'two page reads (and at most a token call)',
      );
      await h.settle();
      assert.equal(h.mailplus.admin.contacts().length, 12_000);
    } finally {
      await h.close();
    }
  });
});
