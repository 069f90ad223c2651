import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { MailplusEmulator } from '../../../src/emulators/mailplus/index.js';
import { runCli, TSX } from '../../helpers/cli.js';
import { rawClient } from './raw-client.js';

const BIN = join(import.meta.dirname, '../../../src/cli/bin.ts');

/** `koppel emulate mailplus` as a user starts it; resolves with its banner once it is ready. */
function emulate(args: string[]): Promise<{ banner: string; stop: () => Promise<void> }> {
  const child = spawn(process.execPath, ['--import', TSX, BIN, 'emulate', 'mailplus', ...args], {
    env: { ...process.env, KOPPEL_LOG_LEVEL: 'silent' },
  });
  const exited = new Promise<void>((resolve) => child.once('close', () => resolve()));
  const stop = async () => {
    child.kill('SIGTERM');
    await exited;
  };
  return new Promise((resolve, reject) => {
    let banner = '';
    child.stdout.on('data', (d) => {
      banner += d;
      if (banner.includes('press Ctrl-C')) resolve({ banner, stop });
    });
    child.once('error', reject);
    void exited.then(() => reject(new Error(`emulator exited early: ${banner}`)));
  });
}

/** Connection details from the banner, as a person would copy them. */
function fromBanner(banner: string): MailplusEmulator {
  const field = (name: string) => new RegExp(`${name}: +(\\S+)`).exec(banner)![1]!;
  return {
    baseUrl: /listening on (\S+)/.exec(banner)![1]!,
    consumerKey: field('consumer key'),
    consumerSecret: field('consumer secret'),
    caCertificate: readFileSync(field('CA certificate'), 'utf8'),
  } as MailplusEmulator;
}

async function feedAfterWrite(emulator: MailplusEmulator): Promise<string[]> {
  const raw = rawClient(emulator);
  try {
    const write = await raw.request('POST', '/contact', {
      body: { update: true, contact: { externalId: 'lag-1', properties: { email: 'lag-1@example.org' } } },
    });
    assert.equal(write.status, 204, write.text);
    const from = encodeURIComponent(new Date(Date.now() - 60_000).toISOString());
    const to = encodeURIComponent(new Date(Date.now() + 60_000).toISOString());
    const feed = await raw.request('GET', `/contact/updates/list?fromDate=${from}&toDate=${to}&pageSize=100`);
    assert.equal(feed.status, 200, feed.text);
    return (feed.json as { contacts: { externalId: string }[] }).contacts.map((c) => c.externalId);
  } finally {
    await raw.close();
  }
}

describe('koppel emulate mailplus --updates-lag-ms', () => {
  it('sets how long a change hides from the updates feed, and says so in the banner', async () => {
    const quick = await emulate(['--updates-lag-ms', '0']);
    try {
      assert.match(quick.banner, /updates lag: +0 ms \(a change shows in contact\/updates\/list/);
      assert.deepEqual(await feedAfterWrite(fromBanner(quick.banner)), ['lag-1']);
    } finally {
      await quick.stop();
    }
    const slow = await emulate(['--updates-lag-ms', '600000']);
    try {
      assert.match(slow.banner, /updates lag: +600000 ms/);
      assert.deepEqual(await feedAfterWrite(fromBanner(slow.banner)), [], 'hidden for ten minutes');
    } finally {
      await slow.stop();
    }
  });

  it('prints the default lag, and refuses a lag that is not a whole number of milliseconds', async () => {
    const plain = await emulate([]);
    await plain.stop();
    assert.match(plain.banner, /updates lag: +2000 ms/);
    const bad = await runCli(['emulate', 'mailplus', '--updates-lag-ms', 'soon']);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /--updates-lag-ms must be a whole number from 0 to 3600000, got "soon"/);
  });
});
