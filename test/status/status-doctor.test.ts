import assert from 'node:assert/strict';
import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { KoppelConfig } from '../../src/config/config-schema.js';
import { statusTls } from '../../src/doctor/checks/status-tls-checks.js';
import { defaultChecks } from '../../src/doctor/default-checks.js';
import type { DoctorContext, Finding } from '../../src/doctor/doctor-check.js';
import { createLogger } from '../../src/log/logger.js';
import { selfSignedPaths } from '../../src/status/status-certificate.js';
import { startStatusServer } from '../../src/status/status-server.js';
import { selfSignedCertificate } from '../../src/tls/self-signed.js';
import { createTestApp, type TestApp } from '../helpers/stores.js';
import { onAnyPort } from './status-client.js';

const DAY = 86_400_000;

describe('doctor: status-tls', () => {
  let t: TestApp;
  const check = (status: Partial<KoppelConfig['status']>, now = Date.now()): Finding =>
    statusTls.run({
      config: { ...t.app.config, status: { ...t.app.config.status, ...status } },
      now,
    } as DoctorContext) as Finding;

  before(async () => {
    t = await createTestApp('sqlite');
  });
  after(async () => t.close());

  it('is part of the baseline', () => {
    assert.ok(defaultChecks().some((c) => c.id === 'status-tls'));
  });

  it('warns for the self-signed certificate, naming its fingerprint, and fails when its key is loose', async () => {
    assert.match(check({}).summary, /self-signed certificate, made at its first start/);
    const server = await startStatusServer({
      app: t.app,
      config: onAnyPort(t.app.config),
      log: createLogger('silent'),
    });
    await server.close();
    const finding = check({});
    assert.equal(finding.status, 'warn');
    assert.ok(finding.summary.includes(server.certificate.fingerprint), finding.summary);
    assert.match(finding.fix!, /status\.tls\.certFile/);
    const { keyFile } = selfSignedPaths(t.app.config);
    chmodSync(keyFile, 0o644);
    assert.equal(check({}).status, 'fail');
    chmodSync(keyFile, 0o600);
  });

  it('fails on a host beyond this machine without a provided certificate', () => {
    const finding = check({ host: '0.0.0.0' });
    assert.equal(finding.status, 'fail');
    assert.match(finding.summary, /beyond this machine, without a provided certificate/);
  });

  it('passes with a valid provided certificate, warns before it expires, fails after', async () => {
    const pair = await selfSignedCertificate('status.example.internal', 60);
    const tls = { certFile: join(t.dataDir, 'provided.crt'), keyFile: join(t.dataDir, 'provided.key') };
    writeFileSync(tls.certFile, pair.cert);
    writeFileSync(tls.keyFile, pair.key, { mode: 0o600 });
    const onNetwork = { host: '0.0.0.0', tls };
    assert.equal(check(onNetwork).status, 'pass');
    assert.equal(check(onNetwork, Date.now() + 45 * DAY).status, 'warn');
    assert.equal(check(onNetwork, Date.now() + 61 * DAY).status, 'fail');
    chmodSync(tls.keyFile, 0o644);
    assert.match(check(onNetwork).summary, /can be read by every user/);
  });

  it('fails when the provided files do not match', async () => {
    const [pair, other] = await Promise.all([selfSignedCertificate(), selfSignedCertificate()]);
    const tls = { certFile: join(t.dataDir, 'mismatch.crt'), keyFile: join(t.dataDir, 'other.key') };
    writeFileSync(tls.certFile, pair.cert);
    writeFileSync(tls.keyFile, other.key, { mode: 0o600 });
    const finding = check({ tls });
    assert.equal(finding.status, 'fail');
    assert.match(finding.summary, /status\.tls\.keyFile: .* does not belong to the certificate/);
  });

  it('skips when the status API is off', () => {
    assert.equal(check({ enabled: false }).status, 'skip');
  });
});
