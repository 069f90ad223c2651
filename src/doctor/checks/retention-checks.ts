import { takeInventory } from '../../retention/retention-inventory.js';
import { readRuns } from '../../retention/retention-runs.js';
import { type DoctorCheck, duration, fail, pass, readyStore, skip, warn } from '../doctor-check.js';

const DAY_MS = 86_400_000;
const START = 'run koppel start (it runs retention every minute), or koppel retention run from a scheduler';

/** Retention must have run recently, and without errors. */
export const retentionRan: DoctorCheck = {
  id: 'retention-ran',
  run: async (context) => {
    const store = readyStore(context);
    if (!store) return skip('retention-ran', 'needs the store');
    const runs = await readRuns(store.db);
    const failed = [...runs].filter(([, run]) => run.error);
    if (failed.length > 0) {
      return fail(
        'retention-ran',
        `the last purge failed for ${failed.map(([id, run]) => `${id} (${run.error})`).join('; ')}`,
        'data past their retention period are not being deleted, which breaks the promise in the processing agreement.',
        'fix the cause above; koppel retention run tries again at once',
      );
    }
    const last = runs.size === 0 ? null : Math.min(...[...runs.values()].map((r) => r.ranAt));
    const late = last === null || context.now - last > context.retentionMaxAgeMs;
    const when = last === null ? 'has never run' : `last ran ${duration(context.now - last)} ago`;
    if (!late) return pass('retention-ran', `retention ${when}`);
    const explanation =
      'while retention does not run, dead letters, duplicate-detection entries and log files are kept past their retention period.';
    if (context.expectRunning)
      return fail(
        'retention-ran',
        `retention ${when}, but a koppel is expected to be running`,
        explanation,
        START,
      );
    if (last !== null && context.now - last < DAY_MS) return pass('retention-ran', `retention ${when}`);
    return warn('retention-ran', `retention ${when}`, explanation, START);
  },
};

/** Whatever the schedule, nothing may be stored past its deadline (a grace of one maximum interval). */
export const retentionOverdue: DoctorCheck = {
  id: 'retention-overdue',
  run: async (context) => {
    const store = readyStore(context);
    if (!store) return skip('retention-overdue', 'needs the store');
    const inventory = await takeInventory(store, context.config);
    const overdue = inventory.filter(
      (c) => c.purgedByJob && c.dueAt !== null && c.dueAt + context.retentionMaxAgeMs < context.now,
    );
    if (overdue.length === 0) return pass('retention-overdue', 'nothing is stored past its retention period');
    return fail(
      'retention-overdue',
      `stored past the retention period: ${overdue.map((c) => `${c.id} (${c.items} item(s), due ${duration(context.now - c.dueAt!)} ago)`).join(', ')}`,
      'the processing agreement promises these are deleted on time: dead letters after at most 14 days, logs after at most 30.',
      START,
    );
  },
};

export const retentionSettings: DoctorCheck = {
  id: 'retention-settings',
  run: ({ config }) => {
    const dead = config.queue.deadLetterRetentionDays;
    const logs = config.log.retentionDays;
    if (dead <= 14 && logs <= 30) {
      return pass(
        'retention-settings',
        `dead letters kept ${dead} days (at most 14), log files ${logs} days (at most 30)`,
      );
    }
    return fail(
      'retention-settings',
      `dead letters kept ${dead} days, log files ${logs} days`,
      'the processing agreement promises failed messages are kept at most 14 days and logs at most 30.',
      'set queue.deadLetterRetentionDays to at most 14 and log.retentionDays to at most 30',
    );
  },
};
