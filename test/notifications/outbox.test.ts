import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { loadConfig } from '../../src/config/load-config.js';
import { createLogger } from '../../src/log/logger.js';
import { MAX_ATTEMPTS, retryDelay } from '../../src/notifications/outbox.js';
import { createTestApp, type TestApp } from '../helpers/stores.js';
import { type SmtpTestServer, startSmtpTestServer } from './smtp-test-server.js';

const TO = 'test-recipient-1@example.invalid';

describe('mail outbox over a real SMTP server (STARTTLS)', () => {
  let t: TestApp;
  let smtp: SmtpTestServer;
  const logLines: string[] = [];

  before(async () => {
    const dir = (await import('node:fs')).mkdtempSync(`${(await import('node:os')).tmpdir()}/koppel-smtp-`);
    smtp = await startSmtpTestServer(dir);
    const sink = new Writable({
      write(chunk, _enc, done) {
        logLines.push(String(chunk));
        done();
      },
    });
    t = await createTestApp(
      'sqlite',
      {
        notifications: {
          smtp: { url: smtp.url, caFile: smtp.caFile },
          from: 'koppel <noreply@example.invalid>',
        },
      },
      { log: createLogger('warn', sink) },
    );
  });
  after(async () => {
    await t?.close();
    await smtp?.close();
  });

  it('stores the mail sealed, delivers it over STARTTLS and then erases recipient and text', async () => {
    const { id } = await t.app.mailOutbox.enqueue({
      to: TO,
      subject: 'Test subject one',
      text: 'Body text one',
      kind: 'test',
      incidentId: 'inc-1',
    });
    const raw = await t.app.store.db
      .selectFrom('mail_outbox')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    assert.ok(raw.sealed);
    assert.ok(
      !Buffer.from(raw.sealed).toString('latin1').includes('example.invalid'),
      'the recipient is sealed',
    );
    assert.ok(!Buffer.from(raw.sealed).toString('latin1').includes('Body text'), 'the body is sealed');

    const result = await t.app.mailOutbox.deliverDue();
    assert.equal(result.configured, true);
    assert.deepEqual(
      result.outcomes.map((o) => o.outcome),
      ['sent'],
    );
    assert.equal(smtp.received.length, 1);
    assert.deepEqual(smtp.received[0]!.to, [TO]);
    assert.equal(smtp.received[0]!.secure, true, 'upgraded with STARTTLS');
    assert.match(smtp.received[0]!.raw, /Body text one/);

    const after = await t.app.store.db
      .selectFrom('mail_outbox')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    assert.equal(after.state, 'delivered');
    assert.equal(after.sealed, null, 'recipient and body erased on delivery');
    assert.equal(Number(after.attempts), 1);
    assert.equal((await t.app.mailOutbox.attempts(id))[0]!.outcome, 'sent');
    assert.deepEqual(result.outcomes[0]!.incidentId, 'inc-1');
  });

  it('retries a refused delivery with backoff, then keeps it failed and visible and tells the operators', async () => {
    smtp.refuse = true;
    const before = smtp.received.length;
    const { id } = await t.app.mailOutbox.enqueue({ to: TO, subject: 'S', text: 'Retry me', kind: 'test' });
    const first = await t.app.mailOutbox.deliverDue();
    assert.deepEqual(
      first.outcomes.map((o) => o.outcome),
      ['retrying'],
    );
    let entry = (await t.app.mailOutbox.get(id))!;
    assert.equal(entry.state, 'pending');
    assert.equal(entry.attempts, 1);
    assert.match(entry.lastError ?? '', /550/);
    assert.ok(!(entry.lastError ?? '').includes('example.invalid'), 'no address in the stored error');
    assert.equal(entry.nextAttemptAt, t.clock.now() + retryDelay(1));

    // Not before its time.
    t.clock.advance(retryDelay(1) - 1);
    assert.equal((await t.app.mailOutbox.deliverDue()).outcomes.length, 0);
    t.clock.advance(1);
    assert.equal((await t.app.mailOutbox.deliverDue()).outcomes[0]!.outcome, 'retrying');

    for (let n = 2; n < MAX_ATTEMPTS; n++) {
      t.clock.advance(retryDelay(n));
      const outcome = (await t.app.mailOutbox.deliverDue()).outcomes[0]!;
      assert.equal(outcome.outcome, n + 1 === MAX_ATTEMPTS ? 'failed' : 'retrying');
    }
    entry = (await t.app.mailOutbox.get(id))!;
    assert.equal(entry.state, 'failed');
    assert.equal(entry.attempts, MAX_ATTEMPTS);
    assert.equal((await t.app.mailOutbox.attempts(id)).length, MAX_ATTEMPTS, 'every attempt recorded');
    assert.deepEqual(
      (await t.app.mailOutbox.list({ state: 'failed' })).map((e) => e.id),
      [id],
      'listed as failed, not dropped',
    );
    const errors = logLines.map((l) => JSON.parse(l)).filter((l) => l.level >= 50);
    assert.equal(errors.length, 1);
    assert.equal(errors[0].mailId, id);
    assert.ok(!logLines.join('').includes('example.invalid'), 'no address in the log');
    assert.ok(!logLines.join('').includes('Retry me'), 'no body in the log');
    t.clock.advance(24 * 3_600_000);
    assert.equal(
      (await t.app.mailOutbox.deliverDue()).outcomes.length,
      0,
      'a failed mail waits for a person',
    );

    // Once fixed, an operator puts it back in line.
    smtp.refuse = false;
    assert.equal(await t.app.mailOutbox.retry(id), true);
    assert.equal((await t.app.mailOutbox.deliverDue()).outcomes[0]!.outcome, 'sent');
    assert.equal(smtp.received.length, before + 1);
  });
});

describe('SMTP settings', () => {
  it("$KOPPEL_SMTP_URL is merged into the file's notifications section", async () => {
    const { mkdtempSync, writeFileSync } = await import('node:fs');
    const dir = mkdtempSync(`${(await import('node:os')).tmpdir()}/koppel-cfg-`);
    const file = `${dir}/koppel.json`;
    writeFileSync(
      file,
      JSON.stringify({
        notifications: { from: 'koppel <noreply@example.invalid>', smtp: { caFile: '/x/ca.pem' } },
      }),
    );
    const config = loadConfig({ file, env: { KOPPEL_SMTP_URL: 'smtps://mail.example.invalid:465' } });
    assert.equal(config.notifications.smtp.url, 'smtps://mail.example.invalid:465');
    assert.equal(config.notifications.smtp.caFile, '/x/ca.pem');
    assert.equal(config.notifications.from, 'koppel <noreply@example.invalid>');
  });

  it('with no SMTP server configured, nothing is sent and the mail stays pending', async () => {
    const t = await createTestApp('sqlite', {}, { log: createLogger('silent') });
    try {
      const { id } = await t.app.mailOutbox.enqueue({ to: TO, subject: 'S', text: 'T', kind: 'test' });
      assert.deepEqual(await t.app.mailOutbox.deliverDue(), { configured: false, outcomes: [] });
      assert.equal((await t.app.mailOutbox.get(id))!.state, 'pending');
    } finally {
      await t.close();
    }
  });
});
