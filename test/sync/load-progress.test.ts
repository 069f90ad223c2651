import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { startLoadProgress } from '../../src/sync/load-progress.js';
import { SyncStats } from '../../src/sync/sync-stats.js';

/** Waits until `lines` has `count` entries (the reporter runs on a real timer of a few ms). */
async function until(lines: string[], count: number): Promise<void> {
  for (let i = 0; i < 500 && lines.length < count; i++) await sleep(5);
  assert.ok(lines.length >= count, `got ${lines.length} lines: ${lines.join(' | ')}`);
}

describe('koppel run: progress of a first load or full resync', () => {
  it('prints read and written figures with the rate for a loading tenant, nothing for the others', async () => {
    const loading = new SyncStats();
    const live = new SyncStats();
    loading.loading = 'initial-load';
    loading.dataverseRead = 10_000;
    loading.writtenToMailplus = 6_000;
    let now = 1_000_000;
    const lines: string[] = [];
    const engine = {
      progress: (tenant: string) => ({ stats: tenant === 'acme' ? loading : live, lastRoundAt: null }),
    };
    const progress = startLoadProgress({
      engine,
      tenants: ['acme', 'globex'],
      everyMs: 5,
      now: () => now,
      out: (line) => {
        lines.push(line);
        // Between two lines: 2 s pass and 5,000 more contacts are written, i.e. 2,500/s.
        now += 2_000;
        loading.dataverseRead += 5_000;
        loading.writtenToMailplus += 5_000;
      },
    });
    try {
      await until(lines, 2);
      assert.equal(
        lines[0],
        '  acme: initial load: 10,000 contacts read from Dataverse, 6,000 written to Mail+',
      );
      assert.equal(
        lines[1],
        '  acme: initial load: 15,000 contacts read from Dataverse, 11,000 written to Mail+ (2,500/s)',
      );
      loading.loading = 'full-resync';
      await until(lines, 4);
      assert.match(lines.at(-1)!, /^ {2}acme: full resync: [\d,]+ contacts read from Dataverse/);
      assert.ok(
        lines.every((line) => line.startsWith('  acme:')),
        'a tenant in live sync prints nothing',
      );
      loading.loading = null;
      const count = lines.length;
      await sleep(50);
      assert.equal(lines.length, count, 'silent once the load is done');
    } finally {
      progress.stop();
    }
  });
});
