import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { ackCodeIn, type SmtpTestServer, startSmtpTestServer } from '../notifications/smtp-test-server.js';
import { startTestAdminServer, type TestAdminServer } from '../server/test-admin-server.js';
import { checkPage, launchBrowser, newConsolePage, openPage, pageReady, signIn } from './console-browser.js';
import { ACME_CONTACTS, confirmedIncident, expectNotice, HOSTILE } from './incident-fixtures.js';

const FACTS = join(import.meta.dirname, '../../docs/examples/incident-facts');

describe('console: an incident from report to customers informed, and the register of incidents', () => {
  let s: TestAdminServer;
  let smtp: SmtpTestServer;
  let browser: Browser;
  const dialogs: string[] = [];
  before(async () => {
    smtp = await startSmtpTestServer(mkdtempSync(join(tmpdir(), 'koppel-console-incident-')));
    s = await startTestAdminServer({
      admins: ['alice'],
      dpos: ['dora'],
      tenants: { acme: 'Acme BV' },
      overrides: {
        notifications: {
          smtp: { url: smtp.url, caFile: smtp.caFile },
          from: 'koppel <noreply@example.invalid>',
        },
      },
      prepare: async (t) => {
        await t.app.tenantContacts.set('acme', ACME_CONTACTS);
      },
    });
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await s?.close();
    await smtp?.close();
  });

  it('is reported, triaged, confirmed, assessed, decided by the DPO and informed with buttons and forms', async () => {
    const admin = await newConsolePage(browser);
    const page = admin.page;
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    const { password, code } = s.credentials('alice');
    await signIn(page, s.server.url, 'alice', password, code);
    await page.waitForURL(`${s.server.url}/`);

    await openPage(page, `${s.server.url}/incidents`);
    await page.getByLabel('Title', { exact: true }).fill(HOSTILE);
    await page.getByLabel(/^What happened/).fill('An export went to the wrong customer.');
    await page.getByLabel(/^Affected customers/).fill('acme');
    await page.getByRole('button', { name: 'Register the incident' }).click();
    await page.waitForURL(/\/incidents\/[^/?]+$/);
    await pageReady(page);
    const id = decodeURIComponent(new URL(page.url()).pathname.split('/').at(-1) ?? '');
    await expectNotice(page, /Incident registered/);
    assert.equal(await page.getByRole('heading', { level: 1 }).textContent(), HOSTILE, 'literal text');
    await checkPage(admin, 'incident-reported');

    const step = async (button: string, reason: string, expected: RegExp) => {
      await page.getByLabel('Reason for this step').fill(reason);
      await page.getByRole('button', { name: button }).click();
      await expectNotice(page, expected);
    };
    await step('Move to: triage', 'looking into it', /Moved to triage/);
    // The moment of awareness is filled in with koppel's own clock; the clocks start with it.
    await step(
      'Move to: breach confirmed',
      'data of acme reached another customer',
      /Moved to breach confirmed/,
    );
    const notice = page.locator('ul.deadlines li').filter({ hasText: 'Notice to acme' });
    assert.equal(await notice.getAttribute('data-colour'), 'green');
    assert.match(String(await notice.textContent()), /on time.*24 h 0 min left/);

    // An export link anyone could guess: the AP must be notified, the people need not be.
    await page
      .getByLabel(/^Facts \(JSON/)
      .fill(readFileSync(join(FACTS, 'guessable-export-url.json'), 'utf8'));
    await page.getByRole('button', { name: 'Record the facts and assess' }).click();
    await expectNotice(page, /Facts recorded/);
    assert.equal(await page.locator('[data-recommend=authority]').textContent(), 'yes');
    assert.ok((await page.locator('ul.reasons li').count()) > 0, 'the reasons in plain words');
    await step('Move to: assessment', 'facts recorded', /Moved to assessment/);

    // The DPO records the decision in a session of her own.
    const dpo = await newConsolePage(browser);
    const dora = s.credentials('dora');
    await signIn(dpo.page, s.server.url, 'dora', dora.password, dora.code);
    await dpo.page.waitForURL(`${s.server.url}/`);
    await openPage(dpo.page, `${s.server.url}/incidents/${encodeURIComponent(id)}`);
    await dpo.page.getByLabel(/^Justification/).fill('');
    await dpo.page.getByRole('button', { name: 'Record the decision' }).click();
    await expectNotice(dpo.page, /Decision recorded \(as recommended\)/);
    assert.match(String(await dpo.page.locator('#h-decision + *').textContent()), /notify-authority/);
    await checkPage(dpo, 'incident-decision-dpo');
    await dpo.context.close();

    await openPage(page, `${s.server.url}/incidents/${encodeURIComponent(id)}`);
    await page.getByLabel('Reason for this step').fill('informing acme');
    await page.getByRole('button', { name: 'Inform the customers (e-mail and phone tasks)' }).click();
    await expectNotice(page, /Informing started: 1 notified, 0 failed/);
    // What the running koppel does every 30 s (the notifications due job): deliver the outbox.
    const notifications = s.t.app.dueJobs.find((job) => job.name === 'notifications');
    await notifications?.runDue();
    const mail = smtp.received.find((m) => m.to.includes('persona.zeventien@example.invalid'));
    assert.ok(mail, 'the customer notice reached the SMTP server');
    assert.ok(mail.secure, 'over STARTTLS');

    // The operator's call to contact 1 went to voicemail; the admin sees who and the number.
    await openPage(page, `${s.server.url}/incidents/${encodeURIComponent(id)}`);
    const calls = page.locator('#h-calls + *');
    assert.match(String(await calls.textContent()), /Persona Zeventien \(IT manager\)/);
    assert.match(String(await calls.textContent()), /\+31612121717/);
    await page.getByLabel('Outcome of the call to contact 1 of acme').selectOption('voicemail');
    await page.getByRole('button', { name: 'Record the outcome' }).click();
    await expectNotice(page, /Call outcome recorded/);
    assert.match(String(await page.locator('#h-calls + *').textContent()), /voicemail/);
    assert.match(String(await page.locator('#h-customers + *').textContent()), /waiting for acknowledgement/);

    // The customer acknowledges with the code from its e-mail.
    await page.getByLabel('Code from the customer’s notice e-mail').fill(ackCodeIn(mail));
    await page.getByRole('button', { name: 'Record the acknowledgement' }).click();
    await expectNotice(page, /Acknowledged for acme/);
    assert.equal(await page.locator('p [data-state]').getAttribute('data-state'), 'customers-informed');
    assert.match(
      String(await page.locator('#h-customers + *').textContent()),
      /by contact 1, with the e-mail’s code/,
    );
    const met = page.locator('ul.deadlines li').filter({ hasText: 'Notice to acme' });
    assert.equal(await met.getAttribute('data-colour'), 'met');
    assert.match(String(await page.locator('#h-timeline + *').textContent()), /customers-informed/);
    await checkPage(admin, 'incident-customers-informed');

    // Kept informed: a numbered follow-up to the contact who acknowledged.
    await page
      .getByLabel('What is new (facts, no personal data)')
      .fill('The other customer confirmed deleting the export.');
    await page.getByRole('button', { name: 'Send the follow-up' }).click();
    await expectNotice(page, /Follow-up sent to 1 of 1 customer/);
    await notifications?.runDue();
    const toContact = smtp.received.filter((m) => m.to.includes('persona.zeventien@example.invalid'));
    assert.equal(toContact.length, 2, 'the notice and the follow-up');
    assert.match(toContact[1]?.raw ?? '', /confirmed deleting the export/);

    // Every document link downloads with the session cookie.
    const pdf = page.getByRole('link', { name: 'Customer notice: PDF (en)' });
    const response = await admin.context.request.get(
      new URL(String(await pdf.getAttribute('href')), s.server.url).href,
    );
    assert.equal(response.status(), 200);
    assert.ok((await response.body()).subarray(0, 5).toString() === '%PDF-');
    const html = await admin.context.request.get(
      new URL(
        String(
          await page
            .getByRole('link', { name: 'Preparation sheet for the AP form: HTML (en)' })
            .getAttribute('href'),
        ),
        s.server.url,
      ).href,
    );
    assert.equal(html.status(), 200);
    assert.match(html.headers()['content-type'] ?? '', /text\/html/);
    await admin.context.close();
    assert.deepEqual(dialogs, [], 'no script ran');
  });

  it('lists every incident with its clocks colour-coded, in Dutch too', async () => {
    const t = s.t;
    t.clock.advance(30_000); // a new TOTP step for the second sign-in of alice
    const amber = await confirmedIncident(t, 'Amber test', 13);
    const red = await confirmedIncident(t, 'Red test', 23);
    const overdue = await confirmedIncident(t, 'Overdue test', 25);
    const cp = await newConsolePage(browser);
    const { password, code } = s.credentials('alice');
    await signIn(cp.page, s.server.url, 'alice', password, code);
    await cp.page.waitForURL(`${s.server.url}/`);
    await openPage(cp.page, `${s.server.url}/incidents`);
    const colourOf = (id: string) =>
      cp.page
        .getByRole('row')
        .filter({ has: cp.page.getByRole('link', { name: id, exact: true }) })
        .locator('li[data-colour]')
        .first()
        .getAttribute('data-colour');
    assert.equal(await colourOf(amber), 'amber');
    assert.equal(await colourOf(red), 'red');
    assert.equal(await colourOf(overdue), 'overdue');
    assert.ok(await cp.page.getByRole('cell', { name: HOSTILE, exact: true }).isVisible(), 'literal text');
    await checkPage(cp, 'incidents');

    await cp.page.getByRole('button', { name: 'Nederlands' }).click();
    await cp.page.getByRole('heading', { level: 1, name: 'Incidenten' }).waitFor();
    assert.match(
      String(await cp.page.getByRole('row').filter({ hasText: 'Overdue test' }).textContent()),
      /te laat/,
    );
    await checkPage(cp, 'incidents-nl');
    await cp.context.close();
  });
});
