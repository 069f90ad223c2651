import assert from 'node:assert/strict';
import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { createApp } from '../../src/app.js';
import { loadConfig } from '../../src/config/load-config.js';
import { runCli, runCliInProcess } from '../helpers/cli.js';

describe('koppel CLI', () => {
  it('explains itself with --help', async () => {
    const run = await runCliInProcess(['--help']);
    assert.equal(run.code, 0);
    for (const command of ['start', 'migrate', 'queue', 'dlq', 'emulate'])
      assert.match(run.stdout, new RegExp(`\\n  ${command}`));
    assert.match(run.stdout, /KOPPEL_STORE_URL/);
  });

  // Spawned: bin.ts must turn main()'s 2 and 1 into the process's exit code.
  it('exits 2 with a hint on an unknown command', async () => {
    const run = await runCli(['frobnicate']);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /unknown command 'frobnicate'/);
  });

  it('exits 1 and names the field on an invalid configuration', async () => {
    const run = await runCli(['migrate'], { KOPPEL_LOG_LEVEL: 'loud' });
    assert.equal(run.code, 1);
    assert.match(run.stderr, /Invalid configuration:\n {2}- log\.level: /);
  });

  it('says why when the store cannot be reached', async () => {
    const run = await runCliInProcess(['migrate'], {
      KOPPEL_STORE_URL: 'postgres://nobody@127.0.0.1:1/none',
      KOPPEL_MASTER_KEY: 'ab'.repeat(32),
    });
    assert.equal(run.code, 1);
    assert.match(run.stderr, /cannot open the store .*127\.0\.0\.1:1.*ECONNREFUSED/s);
  });

  it('starts on the embedded default with no configuration, creating a 0600 key file', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'koppel-cli-'));
    // In-process: the default ./.koppel must resolve against the given directory, not this process's.
    const run = await runCliInProcess(
      ['start', '--once'],
      { KOPPEL_MASTER_KEY: '', KOPPEL_DATA_DIR: '' },
      cwd,
    );
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /store: +sqlite at .*\.koppel\/koppel\.db/);
    assert.match(run.stdout, /created now with mode 0600/);
    assert.equal(statSync(join(cwd, '.koppel/master.key')).mode & 0o777, 0o600);
    assert.equal(statSync(join(cwd, '.koppel/koppel.db')).mode & 0o777, 0o600);
  });

  it("start --once exits 1 when every tenant's round failed, so a scheduler sees it", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'koppel-cli-'));
    const env = { KOPPEL_DATA_DIR: dataDir, KOPPEL_MASTER_KEY: '', SECRET: 'synthetic-secret' };
    assert.equal((await runCliInProcess(['tenant', 'add', 'acme', '--name', 'Acme BV'], env)).code, 0);
    // Both sides on a loopback port nothing listens on: the round cannot succeed.
    const nowhere = 'http://127.0.0.1:1';
    const set = await runCliInProcess(
      [
        'tenant',
        'set',
        'acme',
        `dataverse.baseUrl=${nowhere}/api/data/v9.2/`,
        `dataverse.authority=${nowhere}/tenant`,
        'dataverse.clientId=client',
        'dataverse.clientSecret=env:SECRET',
        `mailplus.baseUrl=${nowhere}`,
        'mailplus.consumerKey=key',
        'mailplus.consumerSecret=env:SECRET',
      ],
      env,
    );
    assert.equal(set.code, 0, set.stderr);
    const run = await runCliInProcess(['start', '--once'], env);
    assert.equal(run.code, 1, run.stdout + run.stderr);
    assert.match(run.stderr, /every tenant's round failed \(acme\); see the log/);
  });

  it('lists, shows, replays and purges dead letters without ever printing a payload', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'koppel-cli-'));
    const env = { KOPPEL_DATA_DIR: dataDir, KOPPEL_MASTER_KEY: '' };
    const app = await createApp(loadConfig({ env }), { env });
    await app.queue.enqueue([
      {
        tenantId: 'acme',
        queue: 'mailplus',
        key: 'contact-1',
        payload: { email: 'secret.person@example.org' },
      },
    ]);
    await app.queue.deadLetter(
      await app.queue.claim({ queue: 'mailplus' }),
      'permanent',
      'emailaddress1: invalid',
    );
    await app.close();

    const list = await runCli(['dlq', 'list'], env);
    assert.equal(list.code, 0, list.stderr);
    assert.match(list.stdout, /id +tenant +queue +key +reason +age/);
    assert.match(list.stdout, /1 +acme +mailplus +contact-1 +permanent/);
    const show = await runCliInProcess(['dlq', 'show', '1'], env);
    assert.match(show.stdout, /description: +emailaddress1: invalid/);
    assert.match(show.stdout, /encrypted \(not shown\)/);
    for (const out of [list.stdout, show.stdout]) assert.ok(!out.includes('secret.person'));

    const stats = await runCli(['queue', 'stats', '--json'], env);
    assert.equal(JSON.parse(stats.stdout)[0].dead, 1);
    assert.match((await runCliInProcess(['dlq', 'replay', '1'], env)).stdout, /replayed 1/);
    assert.equal(JSON.parse((await runCliInProcess(['queue', 'stats', '--json'], env)).stdout)[0].ready, 1);
    assert.match((await runCliInProcess(['dlq', 'purge', '--all'], env)).stdout, /purged 0/);
    const bad = await runCliInProcess(['dlq', 'show', 'abc'], env);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /"abc" is not a dead-letter id/);
  });

  it('refuses a --limit that is not a positive whole number, and a key rotation for an unknown tenant', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'koppel-cli-'));
    const env = { KOPPEL_DATA_DIR: dataDir, KOPPEL_MASTER_KEY: '' };
    for (const limit of ['abc', '-1', '0']) {
      const run = await runCliInProcess(['dlq', 'list', '--limit', limit], env);
      assert.equal(run.code, 2, `--limit ${limit}`);
      assert.match(
        run.stderr,
        new RegExp(`--limit .*must be a whole number from 1 to 10000, got "${limit}"`),
      );
    }
    const rotate = await runCliInProcess(['keys', 'rotate-tenant', 'nope'], env);
    assert.equal(rotate.code, 1);
    assert.match(rotate.stderr, /no tenant "nope"/);
    assert.doesNotMatch(
      (await runCliInProcess(['keys', 'status'], env)).stdout,
      /nope/,
      'no stray key was made',
    );
  });
});
