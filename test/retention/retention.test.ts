import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { createApp } from '../../src/app.js';
import { loadConfig } from '../../src/config/load-config.js';
import { listLogFiles, logDir, logFileName } from '../../src/log/log-files.js';
import { RetentionJob } from '../../src/retention/retention-job.js';
import { runCli } from '../helpers/cli.js';
import { createTestApp, PG_SKIP_REASON, TEST_MASTER_KEY, type TestApp } from '../helpers/stores.js';

const DAY = 86_400_000;

async function deadLetterOne(t: TestApp): Promise<void> {
  await t.app.queue.enqueue([{ tenantId: 'acme', queue: 'q', payload: { n: 1 }, messageId: 'm-1' }]);
  const claimed = await t.app.queue.claim({ queue: 'q' });
  await t.app.queue.deadLetter(claimed, 'permanent', 'synthetic failure');
}

for (const backend of ['sqlite', 'postgres'] as const) {
  describe(`retention job (${backend})`, { skip: backend === 'postgres' && PG_SKIP_REASON }, () => {
    it('purges every class on time, records each run, and reports the oldest item and when it is due', async () => {
      const t = await createTestApp(backend);
      try {
        const job = new RetentionJob({
          store: t.app.store,
          queue: t.app.queue,
          config: t.app.config,
          audit: t.app.audit,
          clock: t.clock,
        });
        const start = t.clock.now();
        await deadLetterOne(t);
        const logs = logDir(t.app.config);
        mkdirSync(logs, { recursive: true });
        for (const daysAgo of [20, 3]) writeFileSync(join(logs, logFileName(start - daysAgo * DAY)), '{}\n');

        const before = new Map((await job.status()).map((s) => [s.id, s]));
        assert.equal(before.get('dead-letters')?.items, 1);
        assert.equal(before.get('dead-letters')?.dueAt, start + 14 * DAY);
        assert.equal(before.get('duplicate-detection')?.items, 1);
        assert.equal(before.get('log-files')?.items, 2);
        assert.equal(before.get('log-files')?.lastRun, null, 'the job has not run yet');
        assert.equal(
          before.get('queue-payloads')?.purgedByJob,
          true,
          'expired after queue.maxMessageAgeDays',
        );

        t.clock.advance(DAY);
        const early = await job.run();
        assert.deepEqual(early.purged, {
          'dead-letters': 0,
          'duplicate-detection': 1,
          'queue-payloads': 0,
          'log-files': 0,
          'terminated-tenants': 0,
          'audit-log': 0,
          incidents: 0,
          'sync-runs': 0,
        });

        t.clock.set(start + 14 * DAY);
        const due = await job.run();
        assert.deepEqual(due.purged, {
          'dead-letters': 1,
          'duplicate-detection': 0,
          'queue-payloads': 0,
          'log-files': 1,
          'terminated-tenants': 0,
          'audit-log': 0,
          incidents: 0,
          'sync-runs': 0,
        });
        assert.deepEqual(due.errors, {});
        assert.deepEqual(
          listLogFiles(logs).map((f) => f.day),
          [start - 3 * DAY],
        );

        const after = new Map((await job.status()).map((s) => [s.id, s]));
        assert.deepEqual(after.get('dead-letters')?.lastRun, {
          ranAt: t.clock.now(),
          purged: 1,
          error: null,
        });
        assert.equal(after.get('dead-letters')?.items, 0);
        assert.equal(after.get('log-files')?.nextRunAt, t.clock.now() + 60_000);
      } finally {
        await t.close();
      }
    });

    it('records a failing purge with its reason and still runs the others', async () => {
      const t = await createTestApp(backend);
      try {
        const job = new RetentionJob({
          store: t.app.store,
          queue: t.app.queue,
          config: t.app.config,
          audit: t.app.audit,
          clock: t.clock,
        });
        // A file where the log folder should be: listing it fails.
        writeFileSync(logDir(t.app.config), 'not a folder');
        await deadLetterOne(t);
        t.clock.advance(15 * DAY);
        const result = await job.run();
        assert.match(result.errors['log-files'] ?? '', /ENOTDIR/);
        assert.equal(result.purged['dead-letters'], 1);
        const status = new Map((await job.status().catch(() => [])).map((s) => [s.id, s]));
        assert.equal(status.size, 0, 'status cannot list the log folder either, and says so by throwing');
      } finally {
        await t.close();
      }
    });
  });
}

describe('koppel retention (CLI)', () => {
  it('shows each class, runs the purges on demand, and koppel start writes a 0600 daily log file', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'koppel-ret-'));
    const env = { KOPPEL_DATA_DIR: dataDir, KOPPEL_MASTER_KEY: TEST_MASTER_KEY };
    const app = await createApp(loadConfig({ env }), { env });
    await app.queue.enqueue([{ tenantId: 'acme', queue: 'q', payload: { n: 1 } }]);
    await app.close();
    const logs = join(dataDir, 'logs');
    mkdirSync(logs);
    writeFileSync(join(logs, logFileName(Date.now() - 45 * DAY)), '{}\n');
    try {
      const status = await runCli(['retention', 'status'], env);
      assert.equal(status.code, 0, status.stderr);
      assert.match(status.stdout, /^class +items +oldest +next deletion +job last ran/m);
      assert.match(status.stdout, /^queue-payloads +1 .*on delivery/m);
      assert.match(status.stdout, /^log-files +1 +45d .*overdue: is koppel start running\? +never/m);
      assert.match(status.stdout, /dead-letters: deleted 14 days after dead-lettering/);

      const run = await runCli(['retention', 'run'], env);
      assert.equal(run.code, 0, run.stderr);
      assert.match(run.stdout, /log-files: deleted 1/);

      const json = JSON.parse((await runCli(['retention', 'status', '--json'], env)).stdout);
      const logClass = json.find((c: { id: string }) => c.id === 'log-files');
      assert.equal(logClass.items, 0);
      assert.equal(logClass.lastRun.purged, 1);

      const start = await runCli(['start', '--once'], { ...env, KOPPEL_LOG_LEVEL: 'info' });
      assert.equal(start.code, 0, start.stderr);
      const [file] = readdirSync(logs);
      assert.equal(file, logFileName(Date.now()));
      assert.equal(statSync(join(logs, file!)).mode & 0o777, 0o600);
      assert.match(readFileSync(join(logs, file!), 'utf8'), /retention round done/);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
