import assert from 'node:assert/strict';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ManualClock } from '../../src/clock.js';
import { loadConfig } from '../../src/config/load-config.js';
import { DailyFileStream } from '../../src/log/daily-file-stream.js';
import { listLogFiles, logDir, logFileName, purgeLogFiles } from '../../src/log/log-files.js';
import { createAppLogger } from '../../src/log/logger.js';

const DAY = 86_400_000;

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'koppel-log-'));
}

describe('daily log files', () => {
  it('writes one 0600 file per UTC day in a 0700 folder', () => {
    const dir = join(tempDir(), 'logs');
    const clock = new ManualClock(Date.UTC(2026, 0, 31, 23, 59));
    const stream = new DailyFileStream(dir, clock);
    stream.write('one\n');
    clock.advance(2 * 60_000);
    stream.write('two\n');
    stream.close();
    assert.deepEqual(readdirSync(dir).sort(), ['koppel-2026-01-31.log', 'koppel-2026-02-01.log']);
    assert.equal(statSync(dir).mode & 0o777, 0o700);
    for (const name of readdirSync(dir)) assert.equal(statSync(join(dir, name)).mode & 0o777, 0o600);
    assert.equal(readFileSync(join(dir, 'koppel-2026-02-01.log'), 'utf8'), 'two\n');
  });

  it('the app logger writes JSON lines to the file, with the redaction safety net', () => {
    const dataDir = tempDir();
    const clock = new ManualClock(Date.UTC(2026, 4, 1, 8));
    const config = loadConfig({ overrides: { dataDir, log: { stdout: false } } });
    const { logger, close } = createAppLogger(config, { clock });
    logger.info({ event: 'test', contact: { email: 'synthetic@example.invalid' } }, 'hello');
    close();
    const text = readFileSync(join(logDir(config), logFileName(clock.now())), 'utf8');
    const entry = JSON.parse(text);
    assert.equal(entry.msg, 'hello');
    assert.equal(entry.contact.email, '[redacted]');
  });

  it('redacts personal-data keys at any depth and the values quoted in a remote error', () => {
    const dataDir = tempDir();
    const clock = new ManualClock(Date.UTC(2026, 4, 1, 8));
    const config = loadConfig({ overrides: { dataDir, log: { stdout: false } } });
    const { logger, close } = createAppLogger(config, { clock });
    logger.info(
      {
        email: 'top@example.invalid',
        batch: { items: [{ contact: { LastName: 'Jansen', id: 'c-1' } }] },
        reason: "Mail+ said: 'piet@example.invalid' is not a valid 'email'; 'Piet Jansen' exceeds '20'",
      },
      'deep',
    );
    close();
    const text = readFileSync(join(logDir(config), logFileName(clock.now())), 'utf8');
    for (const value of ['top@', 'Jansen', 'piet@', 'Piet'])
      assert.ok(!text.includes(value), `${value} is not logged`);
    const entry = JSON.parse(text);
    assert.equal(entry.email, '[redacted]');
    assert.equal(entry.batch.items[0].contact.LastName, '[redacted]');
    assert.equal(entry.batch.items[0].contact.id, 'c-1', 'ids stay');
    assert.equal(
      entry.reason,
      "Mail+ said: '[redacted]' is not a valid 'email'; '[redacted]' exceeds '20'",
      'values go; field names and limits stay',
    );
  });

  it('writes no file when log.file is false', () => {
    const dataDir = tempDir();
    const config = loadConfig({ overrides: { dataDir, log: { file: false, stdout: false } } });
    const { logger, close } = createAppLogger(config);
    logger.info('nothing');
    close();
    assert.equal(existsSync(logDir(config)), false);
  });
});

describe('log file retention', () => {
  const now = Date.UTC(2026, 2, 1, 12);
  const today = Date.UTC(2026, 2, 1);

  function seed(dir: string, daysAgo: readonly number[]): void {
    mkdirSync(dir, { recursive: true });
    for (const d of daysAgo) writeFileSync(join(dir, logFileName(today - d * DAY)), '{}\n');
    writeFileSync(join(dir, 'notes.txt'), 'not ours');
  }

  it('deletes a file 30 days after its day began, so no entry is kept longer, and leaves others alone', () => {
    const dir = tempDir();
    seed(dir, [40, 31, 30, 29, 1, 0]);
    assert.equal(purgeLogFiles(dir, now, 30), 3);
    const kept = listLogFiles(dir).map((f) => (today - f.day) / DAY);
    assert.deepEqual(kept, [29, 1, 0]);
    assert.equal(purgeLogFiles(dir, today + DAY - 1, 30), 0, 'the 29-day-old file has until midnight');
    assert.equal(purgeLogFiles(dir, today + DAY, 30), 1, 'due when its first entry turns 30 days old');
    assert.ok(existsSync(join(dir, 'notes.txt')));
    rmSync(dir, { recursive: true });
  });

  it('honours a shorter period, and refuses a longer one with a reason', () => {
    const dir = tempDir();
    seed(dir, [10, 8, 7, 6, 0]);
    assert.equal(purgeLogFiles(dir, now, 7), 3);
    assert.deepEqual(
      listLogFiles(dir).map((f) => (today - f.day) / DAY),
      [6, 0],
    );
    assert.throws(
      () => loadConfig({ overrides: { log: { retentionDays: 31 } } }),
      /log\.retentionDays: must be at most 30: the processing agreement promises logs are deleted after 30 days/,
    );
    rmSync(dir, { recursive: true });
  });
});
