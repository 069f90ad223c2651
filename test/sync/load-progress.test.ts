import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ManualClock } from '../../src/clock.js';
import { startLoadProgress } from '../../src/sync/load-progress.js';
import { SyncStats } from '../../src/sync/sync-stats.js';

/** Moves the clock one reporting interval at a time until `lines` has `count` entries. */
async function until(clock: ManualClock, lines: string[], count: number): Promise<void> {
  for (let i = 0; i < 10 && lines.length < count; i++) await tick(clock);
  assert.ok(lines.length >= count, `got ${lines.length} lines: ${lines.join(' | ')}`);
}

/** One interval of the reporter: the clock moves, and the reporter's turn runs. */
async function tick(clock: ManualClock): Promise<void> {
  clock.advance(EVERY_MS);
  await new Promise((resolve) => setImmediate(resolve));
}

const EVERY_MS = 10_000;

describe('koppel run: progress of a first load or full resync', () => {
  it('prints read and written figures with the rate for a loading tenant, nothing for the others', async () => {
    const loading = new SyncStats();
    const live = new SyncStats();
    loading.loading = 'initial-load';
    loading.dataverseRead = 10_000;
    loading.writtenToMailplus = 6_000;
    const clock = new ManualClock(1_000_000);
    const lines: string[] = [];
    const engine = {
      progress: (tenant: string) => ({ stats: tenant === 'acme' ? loading : live, lastRoundAt: null }),
    };
    const progress = startLoadProgress({
      engine,
      tenants: ['acme', 'globex'],
      clock,
      out: (line) => {
        lines.push(line);
        // Between two lines: 10 s pass and 25,000 more contacts are written, i.e. 2,500/s.
        loading.dataverseRead += 5_000;
        loading.writtenToMailplus += 25_000;
      },
    });
    try {
      await until(clock, lines, 2);
      assert.equal(
        lines[0],
        '  acme: initial load: 10,000 contacts read from Dataverse, 6,000 written to Mail+',
      );
      assert.equal(
        lines[1],
        '  acme: initial load: 15,000 contacts read from Dataverse, 31,000 written to Mail+ (2,500/s)',
      );
      loading.loading = 'full-resync';
      await until(clock, lines, 4);
      assert.match(lines.at(-1)!, /^ {2}acme: full resync: [\d,]+ contacts read from Dataverse/);
      assert.ok(
        lines.every((line) => line.startsWith('  acme:')),
        'a tenant in live sync prints nothing',
      );
      loading.loading = null;
      const count = lines.length;
      for (let i = 0; i < 3; i++) await tick(clock);
      assert.equal(lines.length, count, 'silent once the load is done');
    } finally {
      progress.stop();
    }
  });
});
