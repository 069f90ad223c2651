import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
// Wall time on purpose: the test kills real worker processes at moments of real time.
import { setTimeout as sleep } from 'node:timers/promises';
import { TSX } from '../helpers/cli.js';
import { type Backend, createTestApp, PG_SKIP_REASON, TEST_MASTER_KEY } from '../helpers/stores.js';

const MESSAGES = 3000;
const KEYS = 100;
const KILL_AFTER = [400, 1200, 2000];

const lines = (file: string) =>
  existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter(Boolean).map(Number) : [];

function startWorker(env: NodeJS.ProcessEnv): ChildProcess {
  return spawn(process.execPath, ['--import', TSX, join(import.meta.dirname, '../helpers/crash-worker.ts')], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
}

async function killWhen(child: ChildProcess, logFile: string, delivered: number): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (lines(logFile).length < delivered) {
    if (child.exitCode !== null) throw new Error(`worker exited early with ${child.exitCode}`);
    if (Date.now() > deadline) throw new Error('worker made no progress in 60 s');
    await sleep(5);
  }
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGKILL');
  await exited;
}

function crashTest(backend: Backend, skip: string | false) {
  describe(`queue crash consistency: ${backend}`, { skip }, () => {
    it('loses no message and keeps per-key order when workers are killed with SIGKILL mid-batch', async (context) => {
      const t = await createTestApp(backend);
      try {
        const items = Array.from({ length: MESSAGES }, (_, n) => ({
          tenantId: 't',
          queue: 'crash',
          key: `k${n % KEYS}`,
          payload: { n },
        }));
        // The workers run on the system clock: enqueue at real time, or the messages are older than
        // queue.maxMessageAgeDays to them and expire at their first claim.
        t.clock.set(Date.now());
        await t.app.queue.enqueue(items);
        const logFile = join(t.dataDir, 'delivered.log');
        const env = {
          KOPPEL_MASTER_KEY: TEST_MASTER_KEY,
          KOPPEL_DATA_DIR: t.dataDir,
          KOPPEL_STORE_URL: t.storeUrl,
          KOPPEL_LOG_LEVEL: 'silent',
          CRASH_LOG: logFile,
        };
        for (const threshold of KILL_AFTER) await killWhen(startWorker(env), logFile, threshold);

        // The last killed worker's claims hold 60 s leases in real time; a restart on this machine takes
        // them back at once (no jump of the clock past the leases) and drains here.
        t.clock.set(Date.now());
        const restartedAt = performance.now();
        const released = await t.app.queue.releaseOrphanedLeases();
        const log = lines(logFile);
        for (;;) {
          const batch = await t.app.queue.claim<{ n: number }>({ queue: 'crash', limit: 500 });
          if (batch.length === 0) break;
          log.push(...batch.map((m) => m.payload.n));
          await t.app.queue.complete(batch);
        }

        context.diagnostic(
          `restart took back ${released} claimed messages and delivered everything left in ${Math.round(performance.now() - restartedAt)} ms`,
        );
        const missing = Array.from({ length: MESSAGES }, (_, n) => n).filter((n) => !log.includes(n));
        assert.deepEqual(missing, [], 'every message is delivered');
        assert.ok(
          log.length - MESSAGES <= KILL_AFTER.length * 50,
          `redeliveries bounded by in-flight batches: ${log.length}`,
        );
        const seen = new Set<number>();
        for (const n of log) {
          for (let earlier = n - KEYS; earlier >= 0; earlier -= KEYS) {
            assert.ok(seen.has(earlier), `message ${n} delivered before ${earlier} of the same key`);
          }
          seen.add(n);
        }
        const stats = await t.app.queue.stats();
        assert.deepEqual(
          stats.map((s) => [s.ready, s.scheduled, s.inFlight, s.dead]),
          [],
          'nothing left, nothing dead-lettered',
        );
      } finally {
        await t.close();
      }
    });
  });
}

crashTest('sqlite', false);
crashTest('postgres', PG_SKIP_REASON);
