import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import { createApp } from '../../src/app.js';
import { seededRandom } from '../../src/clock.js';
import { PermanentError, RetryableError } from '../../src/errors.js';
import { runDueJobs } from '../../src/incidents/due-jobs.js';
import { createLogger } from '../../src/log/logger.js';
import { CheckpointStore } from '../../src/sync/checkpoint-store.js';
import { createTestApp, TEST_MASTER_KEY, type TestApp } from '../helpers/stores.js';
import { type SmtpTestServer, startSmtpTestServer } from '../notifications/smtp-test-server.js';

const T = 'tenant-a';
const TECH = 'test-tech-1@example.invalid';
const OPERATOR = 'test-operator-1@example.invalid';
const TECH_NAME = 'Test Technical Contact 1';
const MINUTE = 60_000;

const contacts = {
  controller: {
    legalName: 'Test Controller 1 B.V.',
    address: 'Teststraat 1, 1000 AA Teststad',
    kvk: '12345678',
    privacyContact: {
      name: 'Test Privacy 1',
      email: 'test-privacy-1@example.invalid',
      phone: '+31201234567',
    },
  },
  technicalContact: { name: TECH_NAME, email: TECH, language: 'en' },
  contacts: [
    {
      name: 'Test Contact 1',
      email: 'test-contact-1@example.invalid',
      phone: '+31201234568',
      role: 'IT manager',
      order: 1,
    },
  ],
};

/** Entra ID's answer for an expired client secret, as the token provider raises it. */
const expiredSecret = () =>
  new PermanentError('Microsoft Entra ID refused the client credentials (invalid_client)', {
    service: 'entra-id',
    status: 401,
    code: 'AADSTS7000222',
  });

describe('operational alerts by e-mail (real SMTP server, manual clock)', () => {
  let smtp: SmtpTestServer;
  let t: TestApp;

  before(async () => {
    smtp = await startSmtpTestServer(mkdtempSync(join(tmpdir(), 'koppel-alerts-')));
  });
  after(async () => {
    await smtp?.close();
  });
  beforeEach(async () => {
    smtp.received.length = 0;
    t = await createTestApp(
      'sqlite',
      {
        notifications: {
          smtp: { url: smtp.url, caFile: smtp.caFile },
          from: 'koppel <noreply@example.invalid>',
          operatorEmails: [OPERATOR],
        },
        alerts: { failingMinutes: 30, deadLetterThreshold: 2 },
      },
      { log: createLogger('silent') },
    );
    await t.app.tenants.add(T, 'Tenant A');
    await t.app.tenantContacts.set(T, contacts);
  });
  afterEach(async () => {
    await t.close();
  });

  /** The due jobs as `koppel run` runs them: the alerts, then the outbox delivers. */
  const round = async () => {
    const before = smtp.received.length;
    await runDueJobs(t.app.dueJobs, t.app.log);
    return smtp.received.slice(before);
  };

  it('alerts once when the sync fails longer than alerts.failingMinutes, folds repeats, and tells when it recovers', async () => {
    const { app, clock } = t;
    await app.syncHealth.record(T, { ok: false, error: expiredSecret() });
    clock.advance(29 * MINUTE);
    await app.syncHealth.record(T, { ok: false, error: expiredSecret() });
    assert.deepEqual(await round(), [], 'not yet: failing for 29 minutes');

    clock.advance(2 * MINUTE);
    const alert = await round();
    assert.deepEqual(alert.map((m) => m.to).sort(), [[OPERATOR], [TECH]].sort());
    const raw = alert[0]!.raw;
    assert.match(raw, /tenant-a/);
    assert.match(raw, /client secret/);
    assert.match(raw, /koppel tenant set tenant-a dataverse\.clientSecret=/);
    assert.match(raw, /Wat te doen/, 'Dutch');
    assert.match(raw, /What to do/, 'English');
    assert.match(raw, /31 minutes/);
    assert.ok(!raw.includes(TECH_NAME) && !raw.includes('Test Contact 1'), 'no personal data in the text');

    // Still failing, every round: folded into the open alert.
    for (let i = 0; i < 3; i++) {
      clock.advance(10 * MINUTE);
      await app.syncHealth.record(T, { ok: false, error: expiredSecret() });
      assert.deepEqual(await round(), []);
    }

    await app.syncHealth.record(T, { ok: true });
    const recovery = await round();
    assert.equal(recovery.length, 2);
    assert.match(recovery[0]!.raw, /works again/);
    assert.match(recovery[0]!.raw, /werkt weer/);
    assert.deepEqual(await round(), [], 'the recovery is told once');
  });

  it('does not alert about a paused tenant, whose sync stopped on purpose', async () => {
    const { app, clock } = t;
    await app.syncHealth.record(T, { ok: false, error: expiredSecret() });
    await app.tenants.setStatus(T, 'paused');
    clock.advance(60 * MINUTE);
    assert.deepEqual(await round(), []);
    await app.tenants.setStatus(T, 'active');
    assert.equal((await round()).length, 2, 'active again and still failing: alerted');
  });

  it('names what to do for a disabled Mail+ key and for an unknown failure', async () => {
    const { app, clock } = t;
    const refused = new PermanentError('Mail+ getContacts answered 401', {
      service: 'mailplus',
      status: 401,
    });
    await app.syncHealth.record(T, { ok: false, error: refused });
    await app.syncHealth.record('tenant-b', { ok: false, error: new RetryableError('boom') });
    clock.advance(45 * MINUTE);
    const mails = await round();
    const forA = mails.find((m) => m.to[0] === TECH)!;
    assert.match(forA.raw, /mailplus\.consumerKey=/);
    // tenant-b has no technical contact: only the operator hears of it, with the error class.
    const forB = mails.filter((m) => /tenant-b/.test(m.raw));
    assert.deepEqual(
      forB.map((m) => m.to),
      [[OPERATOR]],
    );
    assert.match(forB[0]!.raw, /RetryableError/);
    assert.ok(!forB[0]!.raw.includes('boom'), 'never the error message');
  });

  it('alerts on dead letters above alerts.deadLetterThreshold and clears when they are handled', async () => {
    const { app } = t;
    await app.queue.enqueue([1, 2, 3].map((n) => ({ tenantId: T, queue: 'mailplus', payload: { n } })));
    const claimed = await app.queue.claim({ queue: 'mailplus', limit: 3 });
    await app.queue.deadLetter(claimed.slice(0, 2), 'permanent', 'refused');
    assert.deepEqual(await round(), [], 'two is not above the threshold of two');
    await app.queue.deadLetter(claimed.slice(2), 'permanent', 'refused');
    const alert = await round();
    assert.equal(alert.length, 2);
    assert.match(alert[0]!.raw, /3 dead letters/);
    assert.match(alert[0]!.raw, /koppel dlq list --tenant tenant-a/);
    await app.queue.purgeDeadLetters('all');
    const cleared = await round();
    assert.equal(cleared.length, 2);
    assert.match(cleared[0]!.raw, /below the threshold again/);
  });

  it('tells of a full resync after an expired change token, and when it is done', async () => {
    const checkpoints = new CheckpointStore(t.app.store, t.clock);
    await checkpoints.set(T, 'dataverse-resync', '1');
    const started = await round();
    assert.equal(started.length, 2);
    assert.match(started[0]!.raw, /full resync has started/);
    assert.deepEqual(await round(), []);
    await checkpoints.clear(T, 'dataverse-resync');
    const done = await round();
    assert.equal(done.length, 2);
    assert.match(done[0]!.raw, /full resync has finished/);
  });

  it('two workers running the job at once send each alert once', async () => {
    const second = await createApp(t.app.config, {
      env: { KOPPEL_MASTER_KEY: TEST_MASTER_KEY },
      clock: t.clock,
      random: seededRandom(7),
      log: createLogger('silent'),
    });
    try {
      await new CheckpointStore(t.app.store, t.clock).set(T, 'dataverse-resync', '1');
      const [a, b] = await Promise.all([t.app.alerts.runDue(), second.alerts.runDue()]);
      assert.equal(a.opened.length + b.opened.length, 1);
      await t.app.mailOutbox.deliverDue();
      assert.equal(smtp.received.length, 2, 'technical contact and operator, once each');
    } finally {
      await second.close();
    }
  });

  it('sends nothing with alerts.enabled false', async () => {
    const off = await createApp(
      { ...t.app.config, alerts: { ...t.app.config.alerts, enabled: false } },
      {
        env: { KOPPEL_MASTER_KEY: TEST_MASTER_KEY },
        clock: t.clock,
        log: createLogger('silent'),
      },
    );
    try {
      await new CheckpointStore(t.app.store, t.clock).set(T, 'dataverse-resync', '1');
      assert.deepEqual((await off.alerts.runDue()).opened, []);
    } finally {
      await off.close();
    }
  });
});
