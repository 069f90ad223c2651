import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ManualClock } from '../../src/clock.js';
import { SECURITY_HEADERS } from '../../src/status/security-headers.js';
import { type StatusServer, startStatusServer } from '../../src/status/status-server.js';
import { QUEUE_TO_MAILPLUS } from '../../src/sync/sync-mapper.js';
import { type SyncHarness, startSyncHarness, TENANT } from '../sync/sync-harness.js';
import { capturingLogger, get, onAnyPort, plainHttp } from './status-client.js';

const CONTACTS = 12;

describe('status API over HTTPS', () => {
  let h: SyncHarness;
  let server: StatusServer;
  let rejectedId: string;
  const { log, lines } = capturingLogger();
  // The server's clock, so ages can be asserted exactly; it starts at wall time for the certificate.
  const clock = new ManualClock(Date.now());
  const fetch = (path: string) => get(`${server.url}${path}`, server.certificate.cert);

  before(async () => {
    h = await startSyncHarness({ contacts: CONTACTS });
    // One record Mail+ cannot take: it becomes a dead letter whose payload holds personal data.
    rejectedId = String(h.dataverse.admin.listContacts()[0]!.contactid);
    h.dataverse.admin.updateContact(rejectedId, { emailaddress1: 'geen-adres' });
    await h.settle();
    server = await startStatusServer({
      app: h.t.app,
      engine: h.engine,
      config: onAnyPort(h.t.app.config),
      log,
      clock,
    });
  });
  after(async () => {
    await server?.close();
    await h?.close();
  });

  it('listens on loopback with a self-signed certificate, logging its fingerprint', () => {
    assert.match(server.url, /^https:\/\/127\.0\.0\.1:\d+$/);
    assert.equal(server.certificate.selfSigned, true);
    const warning = lines().find((l) => l.event === 'status.self-signed');
    assert.equal(warning?.level, 40, 'a warning');
    assert.equal(warning?.fingerprint, server.certificate.fingerprint);
    assert.match(String(warning?.fingerprint), /^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
  });

  it('answers /health with ok and the version', async () => {
    const answer = await fetch('/health');
    assert.equal(answer.status, 200);
    assert.match(String(answer.headers['content-type']), /^application\/json/);
    assert.deepEqual(answer.json(), { ok: true, version: '0.1.0' });
  });

  it('shows the tenant counters, queues and dead letters after a sync', async () => {
    const answer = await fetch('/status');
    assert.equal(answer.status, 200);
    const body = answer.json();
    assert.equal(body.version, '0.1.0');
    const tenant = body.tenants.find((t: { id: string }) => t.id === TENANT);
    assert.equal(tenant.status, 'active');
    assert.equal(tenant.sync.counters.dataverseRead, CONTACTS);
    assert.equal(tenant.sync.counters.writtenToMailplus, CONTACTS - 1);
    assert.equal(tenant.sync.counters.deadLettered, 1);
    assert.equal(tenant.initialLoad.done, true);
    assert.ok(Object.values(tenant.sync.counters).every((v) => typeof v === 'number'));
    assert.ok(Date.now() - Date.parse(tenant.sync.lastRoundAt) < 60_000, 'last round time');
    assert.equal(tenant.deadLetters, 1);
    const mailplus = tenant.queues.find((q: { queue: string }) => q.queue === QUEUE_TO_MAILPLUS);
    assert.deepEqual(
      { ready: mailplus.ready, inFlight: mailplus.inFlight, dead: mailplus.dead },
      { ready: 0, inFlight: 0, dead: 1 },
    );
    assert.ok(Array.isArray(body.retention));
  });

  it('never answers with a name or an e-mail address of the contacts', async () => {
    const bodies = [
      (await fetch('/status')).text,
      (await fetch(`/tenants/${TENANT}/dead-letters`)).text,
      (await fetch('/health')).text,
    ];
    const people = [
      ...h.dataverse.admin.listContacts(),
      ...h.mailplus.admin.contacts().map((c) => c.properties),
    ];
    const values = people
      .flatMap((p) => [p?.emailaddress1, p?.firstname, p?.lastname, p?.email, p?.firstName, p?.lastName])
      .filter((v): v is string => typeof v === 'string' && v.length > 0);
    assert.ok(values.length >= CONTACTS * 3, 'the check has values to look for');
    for (const body of bodies) {
      for (const value of values)
        assert.ok(!body.toLowerCase().includes(value.toLowerCase()), `leaks ${value}`);
    }
  });

  it('lists dead letters with ids, keys, reasons and ages, never payloads or descriptions', async () => {
    const [letter] = await h.t.app.queue.listDeadLetters({ tenantId: TENANT, limit: 1 });
    clock.set(letter!.deadLetteredAt + 90_400);
    const answer = await fetch(`/tenants/${TENANT}/dead-letters`);
    assert.equal(answer.status, 200);
    const body = answer.json();
    assert.equal(body.total, 1);
    const [item] = body.items;
    assert.deepEqual(Object.keys(item).sort(), [
      'ageSeconds',
      'deliveryCount',
      'enqueuedAgeSeconds',
      'key',
      'messageId',
      'queue',
      'reason',
      'seq',
    ]);
    assert.equal(item.key, rejectedId);
    assert.equal(item.reason, 'rejected');
    assert.equal(item.ageSeconds, 90, 'whole seconds since it was dead-lettered');
    assert.equal(item.enqueuedAgeSeconds, Math.round((clock.now() - letter!.enqueuedAt) / 1000));
    assert.equal((await fetch('/tenants/nobody/dead-letters')).status, 404);
    assert.equal((await fetch(`/tenants/${TENANT}/dead-letters?limit=0`)).status, 400);
  });

  it('sets the security headers on every answer, 404s included', async () => {
    for (const path of ['/health', '/status', '/no/such/route']) {
      const answer = await fetch(path);
      for (const [name, value] of Object.entries(SECURITY_HEADERS)) {
        assert.equal(answer.headers[name], value, `${path}: ${name}`);
      }
    }
    assert.match(String(SECURITY_HEADERS['content-security-policy']), /default-src 'none'/);
  });

  it('answers unknown routes with JSON 404 and no stack', async () => {
    const answer = await fetch('/admin');
    assert.equal(answer.status, 404);
    assert.deepEqual(answer.json(), { error: 'not found' });
  });

  it('refuses plain HTTP on its port', async () => {
    const result = await plainHttp(server.url);
    assert.notEqual(result.status, 200);
    assert.ok(result.error, `plain HTTP got an answer: ${JSON.stringify(result)}`);
  });
});
