import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { generate } from 'selfsigned';
import { loadConfig } from '../../src/config/load-config.js';
import { ConfigError } from '../../src/errors.js';
import { createLogger } from '../../src/log/logger.js';
import { selfSignedPaths } from '../../src/status/status-certificate.js';
import { startStatusServer } from '../../src/status/status-server.js';
import { selfSignedCertificate } from '../../src/tls/self-signed.js';
import { createTestApp, type TestApp } from '../helpers/stores.js';
import { get, onAnyPort } from './status-client.js';

const log = createLogger('silent');

async function issuesOf(fn: () => unknown): Promise<string[]> {
  try {
    await fn();
  } catch (error) {
    assert.ok(error instanceof ConfigError, String(error));
    return [...error.issues];
  }
  assert.fail('expected a ConfigError');
}

describe('status API certificate', () => {
  let t: TestApp;
  before(async () => {
    t = await createTestApp('sqlite');
  });
  after(async () => t.close());

  it('makes a self-signed certificate once, key mode 0600, and reuses it on the next start', async () => {
    const config = onAnyPort(t.app.config);
    const first = await startStatusServer({ app: t.app, config, log });
    await first.close();
    const paths = selfSignedPaths(config);
    assert.equal(first.certificate.generated, 'none yet');
    assert.equal(statSync(paths.keyFile).mode & 0o777, 0o600);
    assert.equal(statSync(join(t.dataDir, 'tls')).mode & 0o777, 0o700);
    const second = await startStatusServer({ app: t.app, config, log });
    try {
      assert.equal(second.certificate.generated, null);
      assert.equal(second.certificate.fingerprint, first.certificate.fingerprint);
      const answer = await get(`${second.url}/status`, second.certificate.cert);
      assert.equal(answer.status, 200);
      assert.deepEqual(answer.json().tenants, [], 'no tenants, no engine: nothing to show');
    } finally {
      await second.close();
    }
  });

  it('makes a server certificate that is not a CA, and replaces a stored one that is', async () => {
    const config = onAnyPort(t.app.config);
    const paths = selfSignedPaths(config);
    const old = await generate([{ name: 'commonName', value: 'localhost' }], {
      keyType: 'ec',
      curve: 'P-256',
      algorithm: 'sha256',
      notAfterDate: new Date(Date.now() + 365 * 86_400_000),
      extensions: [{ name: 'basicConstraints', cA: true }],
    });
    assert.equal(new X509Certificate(old.cert).ca, true);
    writeFileSync(paths.certFile, old.cert);
    writeFileSync(paths.keyFile, old.private, { mode: 0o600 });
    const server = await startStatusServer({ app: t.app, config, log });
    try {
      assert.equal(server.certificate.generated, 'the stored one is a CA certificate');
      const cert = new X509Certificate(server.certificate.cert);
      assert.equal(cert.ca, false);
      assert.match(cert.toLegacyObject().ext_key_usage?.join(',') ?? '', /1\.3\.6\.1\.5\.5\.7\.3\.1/);
      assert.equal((await get(`${server.url}/status`, server.certificate.cert)).status, 200);
    } finally {
      await server.close();
    }
  });

  it('replaces a stored self-signed certificate that expires within 30 days', async () => {
    const config = onAnyPort(t.app.config);
    const paths = selfSignedPaths(config);
    const soon = await selfSignedCertificate('localhost', 10);
    writeFileSync(paths.certFile, soon.cert);
    writeFileSync(paths.keyFile, soon.key, { mode: 0o600 });
    const server = await startStatusServer({ app: t.app, config, log });
    await server.close();
    assert.match(String(server.certificate.generated), /expires within 30 days/);
    assert.notEqual(server.certificate.fingerprint, new X509Certificate(soon.cert).fingerprint256);
  });

  it('uses a provided certificate and makes none of its own', async () => {
    const other = await createTestApp('sqlite');
    try {
      const dir = join(other.dataDir, 'provided');
      mkdirSync(dir);
      const pair = await selfSignedCertificate('status.example.internal');
      writeFileSync(join(dir, 'cert.pem'), pair.cert);
      writeFileSync(join(dir, 'key.pem'), pair.key, { mode: 0o600 });
      const config = onAnyPort(other.app.config, {
        tls: { certFile: join(dir, 'cert.pem'), keyFile: join(dir, 'key.pem') },
      });
      const server = await startStatusServer({ app: other.app, config, log });
      try {
        assert.equal(server.certificate.selfSigned, false);
        assert.equal(server.certificate.fingerprint, new X509Certificate(pair.cert).fingerprint256);
        assert.equal((await get(`${server.url}/health`, pair.cert)).status, 200);
        assert.equal(existsSync(selfSignedPaths(config).keyFile), false);
      } finally {
        await server.close();
      }
    } finally {
      await other.close();
    }
  });

  it('names the field when a provided certificate cannot be used', async () => {
    const wrongKey = await selfSignedCertificate();
    const pair = await selfSignedCertificate();
    writeFileSync(join(t.dataDir, 'cert.pem'), pair.cert);
    writeFileSync(join(t.dataDir, 'other-key.pem'), wrongKey.key);
    const start = (tls: { certFile: string; keyFile: string }) =>
      startStatusServer({ app: t.app, config: onAnyPort(t.app.config, { tls }), log });
    const missing = await issuesOf(() =>
      start({ certFile: join(t.dataDir, 'nope.pem'), keyFile: join(t.dataDir, 'other-key.pem') }),
    );
    assert.match(missing[0]!, /^status\.tls\.certFile: cannot read .*nope\.pem \(ENOENT\)/);
    const mismatch = await issuesOf(() =>
      start({ certFile: join(t.dataDir, 'cert.pem'), keyFile: join(t.dataDir, 'other-key.pem') }),
    );
    assert.match(mismatch[0]!, /^status\.tls\.keyFile: .* does not belong to the certificate/);
  });

  it('says which field to change when the port is taken', async () => {
    const first = await startStatusServer({ app: t.app, config: onAnyPort(t.app.config), log });
    try {
      const port = Number(new URL(first.url).port);
      const issues = await issuesOf(() =>
        startStatusServer({ app: t.app, config: onAnyPort(t.app.config, { port }), log }),
      );
      assert.match(issues[0]!, new RegExp(`^status\\.port: ${port} on 127\\.0\\.0\\.1 is already in use`));
    } finally {
      await first.close();
    }
  });
});

describe('status configuration', () => {
  const issues = (status: Record<string, unknown>) => issuesOf(() => loadConfig({ overrides: { status } }));

  it('defaults to enabled, loopback, port 8787, self-signed', () => {
    assert.deepEqual(loadConfig({}).status, { enabled: true, host: '127.0.0.1', port: 8787, tls: {} });
  });

  it('requires a provided certificate beyond loopback, and says so', async () => {
    const [issue] = await issues({ host: '0.0.0.0' });
    assert.match(issue!, /^status\.host: 0\.0\.0\.0 is not a loopback address/);
    assert.match(
      issue!,
      /requires a provided certificate \(status\.tls\.certFile and status\.tls\.keyFile\)/,
    );
    const provided = { certFile: 'c.pem', keyFile: 'k.pem' };
    assert.equal(
      loadConfig({ overrides: { status: { host: '0.0.0.0', tls: provided } } }).status.host,
      '0.0.0.0',
    );
    assert.equal(loadConfig({ overrides: { status: { host: '::1' } } }).status.host, '::1');
  });

  it('names the field of every other problem', async () => {
    assert.match(
      (await issues({ tls: { certFile: 'c.pem' } }))[0]!,
      /^status\.tls\.keyFile: must be set with/,
    );
    assert.match(
      (await issues({ tls: { keyFile: 'k.pem' } }))[0]!,
      /^status\.tls\.certFile: must be set with/,
    );
    assert.match((await issues({ port: 70_000 }))[0]!, /^status\.port: must be a port number/);
    assert.match((await issues({ port: -1 }))[0]!, /^status\.port: /);
    assert.match((await issues({ enabled: 'yes' }))[0]!, /^status\.enabled: /);
  });
});
