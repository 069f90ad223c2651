import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { BetterSqlite3 as Database } from '../../src/store/sqlite-driver.js';
import { runCli, runCliInProcess, TSX } from '../helpers/cli.js';
import { TEST_MASTER_KEY } from '../helpers/stores.js';
import { AdminClient } from './admin-client.js';

const BIN = join(import.meta.dirname, '../../src/cli/bin.ts');

describe('koppel admin, audit and server (the acceptance interface)', () => {
  let dataDir: string;
  let env: NodeJS.ProcessEnv;
  before(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'koppel-admin-'));
    env = { KOPPEL_DATA_DIR: dataDir, KOPPEL_MASTER_KEY: TEST_MASTER_KEY, KOPPEL_STORE_URL: '' };
  });
  after(() => rmSync(dataDir, { recursive: true, force: true }));

  it('adds two admins from standard input, refuses a third, and verifies the audit chain', async () => {
    // Spawned (this and the broken chain below): a password piped into the process, and exit code 1.
    const first = await runCli(
      ['admin', 'add', 'alice', '--accept-confidentiality'],
      env,
      undefined,
      'violet-harbour-lantern-42\n',
    );
    assert.equal(first.code, 0, first.stderr);
    assert.ok(
      first.stdout.split('\n').some((l) => l.startsWith('otpauth://totp/')),
      first.stdout,
    );
    assert.doesNotMatch(first.stdout + first.stderr, /violet-harbour/);
    const noAccept = await runCliInProcess(
      ['admin', 'add', 'bob'],
      env,
      undefined,
      'quiet-meadow-compass-17\n',
    );
    assert.equal(noAccept.code, 1);
    assert.match(noAccept.stderr, /--accept-confidentiality/);
    const weak = await runCliInProcess(
      ['admin', 'add', 'bob', '--accept-confidentiality'],
      env,
      undefined,
      'password1234\n',
    );
    assert.equal(weak.code, 1);
    assert.match(weak.stderr, /too easy to guess/);
    const short = await runCliInProcess(
      ['admin', 'add', 'bob', '--accept-confidentiality'],
      env,
      undefined,
      'short\n',
    );
    assert.match(short.stderr, /at least 12 characters/);
    assert.equal(
      (
        await runCliInProcess(
          ['admin', 'add', 'bob', '--accept-confidentiality'],
          env,
          undefined,
          'quiet-meadow-compass-17\n',
        )
      ).code,
      0,
    );
    const third = await runCliInProcess(
      ['admin', 'add', 'carol', '--accept-confidentiality'],
      env,
      undefined,
      'amber-river-window-88\n',
    );
    assert.equal(third.code, 1);
    assert.match(third.stderr, /limit is 2 .*processing agreement allows at most 2 administrators/);
    const dpo = await runCliInProcess(
      ['admin', 'add', 'fg', '--role', 'dpo', '--accept-confidentiality'],
      env,
      undefined,
      'amber-river-window-88\n',
    );
    assert.equal(dpo.code, 0, 'the DPO is not an administrator');
    const list = await runCliInProcess(['admin', 'list'], env);
    assert.match(list.stdout, /alice +admin +2026-12-1 at/);
    assert.match(list.stdout, /fg +dpo/);

    // Other administrative commands are audited too, by system user and without values.
    assert.equal((await runCliInProcess(['tenant', 'add', 'acme', '--name', 'Acme BV'], env)).code, 0);
    const verified = await runCliInProcess(['audit', 'verify'], env);
    assert.equal(verified.code, 0, verified.stderr);
    assert.match(verified.stdout, /^audit chain verified: 5 entries$/m);
    const listed = await runCliInProcess(['audit', 'list', '--since', '2000-01-01'], env);
    assert.match(listed.stdout, /admin\.add +carol +refused/);
    assert.match(listed.stdout, /cli:\S+ +cli +tenant\.add +acme +ok/);

    const db = new Database(join(dataDir, 'koppel.db'));
    db.prepare("UPDATE audit_log SET target = 'mallory' WHERE seq = 2").run();
    db.close();
    const broken = await runCli(['audit', 'verify'], env);
    assert.equal(broken.code, 1);
    assert.match(broken.stderr, /audit chain broken at entry 2/);
  });

  it('koppel server prints its https:// URL and answers /healthz', async () => {
    const config = join(dataDir, 'server.json');
    writeFileSync(config, JSON.stringify({ server: { port: 0 } }));
    const child = spawn(process.execPath, ['--import', TSX, BIN, '--config', config, 'server'], {
      env: { ...process.env, ...env, KOPPEL_LOG_LEVEL: 'silent' },
    });
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let out = '';
        child.stdout.on('data', (d) => {
          out += d;
          const found = /admin server: (https:\/\/127\.0\.0\.1:\d+)/.exec(out)?.[1];
          if (found && out.includes('is running')) resolve(found);
        });
        child.on('exit', (code) => reject(new Error(`koppel server exited with ${code}: ${out}`)));
      });
      const client = new AdminClient(url, readFileSync(join(dataDir, 'tls/status.crt'), 'utf8'));
      assert.equal((await client.send('GET', '/healthz')).status, 200);
      assert.equal((await client.send('GET', '/api/openapi.json')).json().openapi.startsWith('3'), true);
      await client.close();
    } finally {
      child.kill('SIGTERM');
      await new Promise((resolve) => child.once('close', resolve));
    }
  });
});
