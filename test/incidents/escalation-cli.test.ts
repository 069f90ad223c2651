import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ManualClock } from '../../src/clock.js';
import { incidentFactsSchema } from '../../src/incidents/facts-schema.js';
import type { Actor } from '../../src/incidents/incident-model.js';
import { createLogger } from '../../src/log/logger.js';
import { runCli } from '../helpers/cli.js';
import { createTestApp, TEST_MASTER_KEY, type TestApp } from '../helpers/stores.js';
import { ackCodeIn, type SmtpTestServer, startSmtpTestServer } from '../notifications/smtp-test-server.js';

const EXAMPLE_FILE = join(import.meta.dirname, '../../docs/examples/tenant-contacts.json');
const OPERATOR: Actor = { actor: 'alice', role: 'admin', address: '127.0.0.1' };

describe('koppel tenant contacts and koppel incidents ack', () => {
  let t: TestApp;
  let smtp: SmtpTestServer;
  let env: NodeJS.ProcessEnv;
  const koppel = (args: string[], input = '') => runCli(args, env, undefined, input);

  before(async () => {
    smtp = await startSmtpTestServer(mkdtempSync(join(tmpdir(), 'koppel-ackcli-')));
    t = await createTestApp(
      'sqlite',
      {
        notifications: {
          smtp: { url: smtp.url, caFile: smtp.caFile },
          from: 'koppel <noreply@example.invalid>',
        },
      },
      // The child process runs on the wall clock: start there, so no deadline has passed when it acknowledges.
      { log: createLogger('silent'), clock: new ManualClock(Date.now() - 60_000) },
    );
    await t.app.tenants.add('acme', 'Acme BV');
    await t.app.keys.current('acme');
    env = { KOPPEL_DATA_DIR: t.dataDir, KOPPEL_STORE_URL: t.storeUrl, KOPPEL_MASTER_KEY: TEST_MASTER_KEY };
  });
  after(async () => {
    await t?.close();
    await smtp?.close();
  });

  it('sets contacts from standard input, shows them, and acknowledges with the code from the e-mail', async () => {
    const set = await koppel(['tenant', 'contacts', 'set', 'acme'], readFileSync(EXAMPLE_FILE, 'utf8'));
    assert.equal(set.code, 0, set.stderr);
    assert.match(set.stdout, /stored 2 breach-notice contact\(s\) for tenant acme/);
    const show = await koppel(['tenant', 'contacts', 'show', 'acme', '--json']);
    assert.equal(show.code, 0, show.stderr);
    const shown = JSON.parse(show.stdout);
    assert.equal(shown.contacts.contacts[0].phone, '+31612345678');

    const { incidents } = t.app;
    const { id } = await incidents.report({ title: 'Test incident', tenants: ['acme'] }, OPERATOR);
    await incidents.advance(id, 'triage', { reason: 'looking' }, OPERATOR);
    await incidents.advance(
      id,
      'breach-confirmed',
      { reason: 'confirmed', awareAt: t.clock.now() },
      OPERATOR,
    );
    await incidents.append(
      id,
      {
        type: 'facts-recorded',
        facts: incidentFactsSchema.parse({
          confidentiality: 'known-recipients',
          integrity: 'none',
          availability: 'none',
          cause: 'accidental',
          data: ['contact'],
          people: { count: 12 },
          identifiability: 'maximum',
          protection: { state: 'none' },
          recipient: { kind: 'trusted' },
          exfiltration: 'not-applicable',
        }),
      },
      OPERATOR,
    );
    await incidents.advance(id, 'assessment', { reason: 'assessing' }, OPERATOR);
    await t.app.escalation.notify(id, OPERATOR);
    await t.app.mailOutbox.deliverDue();
    const notice = smtp.received.find((m) => m.to.includes('test1@example.invalid'))!;

    const ack = await koppel([
      'incidents',
      'ack',
      id,
      '--tenant',
      'acme',
      '--code',
      ackCodeIn(notice),
      '--json',
    ]);
    assert.equal(ack.code, 0, ack.stderr);
    assert.deepEqual(JSON.parse(ack.stdout), {
      status: 'acknowledged',
      tenantId: 'acme',
      contact: 1,
      customersInformed: true,
    });
    assert.equal((await incidents.get(id)).state, 'customers-informed');
  });
});
