import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runDueJobs } from '../../src/incidents/due-jobs.js';
import { createLogger } from '../../src/log/logger.js';

describe('due jobs', () => {
  it('runs every job in order and reports a failing one without stopping the rest', async () => {
    const ran: string[] = [];
    const job = (name: string, result: unknown) => ({
      name,
      runDue: async () => {
        ran.push(name);
        return result;
      },
    });
    const results = await runDueJobs(
      [
        job('signals', { opened: 1 }),
        {
          name: 'reminders',
          runDue: async () => {
            ran.push('reminders');
            throw new Error('the store is gone');
          },
        },
        job('outbox', { sent: 2 }),
      ],
      createLogger('silent'),
    );
    assert.deepEqual(ran, ['signals', 'reminders', 'outbox']);
    assert.deepEqual(results, [
      { name: 'signals', ok: true, result: { opened: 1 } },
      { name: 'reminders', ok: false, result: 'the store is gone' },
      { name: 'outbox', ok: true, result: { sent: 2 } },
    ]);
  });
});
