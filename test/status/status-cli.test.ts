import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { type AddressInfo, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runCliInProcess, TSX } from '../helpers/cli.js';
import { get } from './status-client.js';

const BIN = join(import.meta.dirname, '../../src/cli/bin.ts');

/** Starts `koppel start` and resolves once it printed a line matching `until`, with all output so far. */
function startUntil(env: NodeJS.ProcessEnv, until: RegExp) {
  const child = spawn(process.execPath, ['--import', TSX, BIN, 'start'], {
    env: { ...process.env, KOPPEL_LOG_LEVEL: 'silent', ...env },
  });
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (d) => {
    stderr += d;
  });
  const closed = new Promise<number | null>((resolve) => child.on('close', resolve));
  const ready = new Promise<string>((resolve, reject) => {
    child.stdout.on('data', (d) => {
      stdout += d;
      if (until.test(stdout)) resolve(stdout);
    });
    void closed.then((code) => reject(new Error(`koppel start exited with ${code}: ${stderr}`)));
  });
  return { child, ready, closed, output: () => stdout };
}

describe('koppel start runs the admin server (one listener), demo its console', () => {
  let dir: string;
  let env: NodeJS.ProcessEnv;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'koppel-status-cli-'));
    writeFileSync(join(dir, 'config.json'), JSON.stringify({ server: { port: 0 }, status: { port: 0 } }));
    env = { KOPPEL_DATA_DIR: dir, KOPPEL_MASTER_KEY: '', KOPPEL_CONFIG: join(dir, 'config.json') };
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('start prints the URL and the self-signed fingerprint, serves until stopped, then closes', async () => {
    const run = startUntil(env, /koppel is running/);
    try {
      const out = await run.ready;
      const url = /admin server: +(https:\/\/127\.0\.0\.1:\d+)/.exec(out)?.[1];
      assert.ok(url, out);
      assert.match(
        out,
        /self-signed certificate: pin SHA-256 ([0-9A-F]{2}:){31}[0-9A-F]{2} or trust .*status\.crt/,
      );
      const cert = readFileSync(join(dir, 'tls/status.crt'), 'utf8');
      assert.deepEqual((await get(`${url}/healthz`, cert)).json(), { ok: true });
      assert.equal((await get(`${url}/api/status`, cert)).status, 401, 'the status needs a session now');
      run.child.kill('SIGTERM');
      assert.equal(await run.closed, 0);
      assert.match(run.output(), /koppel stopped/);
      await assert.rejects(get(`${url}/healthz`, cert), 'the listener is closed');
    } finally {
      run.child.kill('SIGKILL');
    }
  });

  it('start syncs on when the port is taken (a second worker on this machine), saying so', async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const { port } = taken.address() as AddressInfo;
    writeFileSync(join(dir, 'taken.json'), JSON.stringify({ server: { port } }));
    const run = startUntil({ ...env, KOPPEL_CONFIG: join(dir, 'taken.json') }, /koppel is running/);
    try {
      const out = await run.ready;
      assert.match(
        out,
        new RegExp(`admin server: +not started: server\\.port: ${port} on 127\\.0\\.0\\.1 is already in use`),
      );
      run.child.kill('SIGTERM');
      assert.equal(await run.closed, 0);
    } finally {
      run.child.kill('SIGKILL');
      taken.close();
    }
  });

  it('start --once does not open the listener', async () => {
    const run = await runCliInProcess(['start', '--once'], env);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /admin server: +not started with --once/);
  });

  it('start refuses a self-signed certificate beyond loopback, naming the field', async () => {
    writeFileSync(join(dir, 'wide.json'), JSON.stringify({ server: { host: '0.0.0.0' } }));
    const run = await runCliInProcess(['start', '--once'], { ...env, KOPPEL_CONFIG: join(dir, 'wide.json') });
    assert.equal(run.code, 1);
    assert.match(run.stderr, /server\.host: 0\.0\.0\.0 is not a loopback address.*provided certificate/);
  });

  it('demo prints the URL of its console, on the admin server, and of its status API', async () => {
    const run = await runCliInProcess(
      ['demo', '--contacts', '5', '--exit-when-done', '--poll-interval', '200'],
      env,
    );
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /console: {4}https:\/\/127\.0\.0\.1:\d+\/ \(self-signed certificate/);
    assert.match(
      run.stdout,
      /status API: https:\/\/127\.0\.0\.1:\d+\/status \(self-signed; trust .*status\.crt; no sign-in/,
    );
  });
});
