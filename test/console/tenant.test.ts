import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { startTestAdminServer, type TestAdminServer } from '../server/test-admin-server.js';
import { checkPage, launchBrowser, newConsolePage, openPage, signIn } from './console-browser.js';

// Hostile text in every place a name is shown: it must come out as the literal text it is.
const HOSTILE = 'Acme <script>alert(1)</script> "><img src=x onerror=alert(2)>';
const SECRET = 'dv-secret-value-that-must-never-show';
// Pause and resume come with the runs helper's routes; until they are on this branch the test waits.
const PAUSE_ROUTES = existsSync('src/server/routes/tenant-pause-routes.ts');

export const CONTACTS = {
  controller: {
    legalName: HOSTILE,
    address: 'Voorbeeldstraat 1, 1234 AB Voorbeeldstad',
    kvk: '12345678',
    privacyContact: { name: 'Test Privacy Officer', email: 'privacy@example.invalid', phone: '+31201234567' },
  },
  contacts: [
    {
      name: `Test Contact 1 ${HOSTILE}`,
      role: 'IT manager',
      email: 'test1@example.invalid',
      phone: '+31612345678',
      language: 'nl',
      order: 1,
    },
  ],
};

describe('console: the tenant page', () => {
  let s: TestAdminServer;
  let browser: Browser;
  const dialogs: string[] = [];
  before(async () => {
    s = await startTestAdminServer({
      admins: ['alice'],
      dpos: ['dora'],
      tenants: { acme: HOSTILE, other: 'Other BV', later: 'Later BV' },
      prepare: async (t) => {
        // No authority and no Mail+ keys: the connection test explains what is missing, offline.
        await t.app.tenants.updateSettings('acme', {
          'dataverse.baseUrl': 'https://acme.crm4.dynamics.com/api/data/v9.2/',
          'dataverse.clientSecret': SECRET,
        });
        await t.app.tenantContacts.set('acme', CONTACTS);
      },
    });
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await s?.close();
  });

  async function signedIn(username: string) {
    const cp = await newConsolePage(browser);
    cp.page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    const { password, code } = s.credentials(username);
    await signIn(cp.page, s.server.url, username, password, code);
    await cp.page.waitForURL(`${s.server.url}/`);
    s.t.clock.advance(30_000);
    return cp;
  }

  it('shows settings with the secret as set only, replaces a value, and explains the connection test', async () => {
    const cp = await signedIn('alice');
    await openPage(cp.page, `${s.server.url}/tenants/acme`);
    const { page } = cp;
    assert.equal(await page.getByRole('heading', { level: 1 }).textContent(), `Tenant ${HOSTILE} (acme)`);
    assert.equal(await page.locator('img').count(), 0, 'the hostile name made no element');
    const text = String(await page.locator('main').textContent());
    assert.ok(!text.includes(SECRET), 'the secret is never shown');
    const secretRow = page.getByRole('row', { name: /dataverse\.clientSecret/ });
    assert.match(String(await secretRow.textContent()), /dataverse\.clientSecret\s*set/);
    const mailSecret = page.getByRole('row', { name: /mailplus\.consumerSecret/ });
    assert.match(String(await mailSecret.textContent()), /not set/);
    assert.ok(
      await page.getByRole('cell', { name: 'test1@example.invalid' }).isVisible(),
      'admin sees e-mail',
    );
    await checkPage(cp, 'tenant');

    await page.getByLabel('Setting to replace').selectOption('dataverse.clientId');
    await page.getByLabel('New value').fill('client-123');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page.getByText('Saved: dataverse.clientId.').waitFor();
    assert.equal((await s.t.app.tenants.settings('acme')).dataverse.clientId, 'client-123');
    await page.getByLabel('Setting to replace').selectOption('mailplus.consumerSecret');
    assert.equal(
      await page.getByLabel('New value').getAttribute('type'),
      'password',
      'a secret is typed hidden',
    );

    await page.getByRole('button', { name: 'Test connection' }).click();
    await page.getByText(/Dynamics 365 \(Dataverse\): does not work\./).waitFor();
    assert.ok(await page.getByText(/Spotler Mail\+: does not work\./).isVisible());
    await checkPage(cp, 'tenant-test-connection');
    const audit = (await s.t.app.audit.list()).map((e) => `${e.action} ${e.target} ${e.result}`);
    assert.ok(audit.includes('tenant.set acme ok'), audit.join('\n'));
    assert.ok(audit.includes('tenant.test-connection acme failed'), audit.join('\n'));

    await page.getByText('Edit the contacts').click();
    const document = page.getByLabel('Contacts document');
    const edited = { ...CONTACTS, controller: { ...CONTACTS.controller, kvk: '1234' } };
    await document.fill(JSON.stringify(edited));
    await page.getByRole('button', { name: 'Save contacts' }).click();
    await page.getByText('controller.kvk: must be a KvK number of 8 digits').waitFor();
    const refusal = cp.problems.indexOf(
      'Failed to load resource: the server responded with a status of 400 (Bad Request)',
    );
    assert.ok(refusal >= 0, 'refused by the server');
    cp.problems.splice(refusal, 1);
    await document.fill(
      JSON.stringify({ ...edited, controller: CONTACTS.controller, notificationHours: 12 }),
    );
    await page.getByRole('button', { name: 'Save contacts' }).click();
    await page.getByText('Saved: 1 contact persons.').waitFor();
    assert.equal((await s.t.app.tenantContacts.get('acme'))?.notificationHours, 12);

    await page.getByRole('button', { name: 'Nederlands' }).click();
    await page.getByRole('heading', { level: 1, name: `Klant ${HOSTILE} (acme)` }).waitFor();
    assert.ok(await page.getByRole('heading', { name: 'Verbindingsinstellingen' }).isVisible());
    await checkPage(cp, 'tenant-nl');
    await page.getByRole('button', { name: 'English' }).click();
    await cp.context.close();
  });

  it('shows the DPO the controller and names and roles only, and says what the role may not do', async () => {
    const cp = await signedIn('dora');
    await openPage(cp.page, `${s.server.url}/tenants/acme`);
    const { page } = cp;
    await page.getByText('Your role may not do this').waitFor();
    const text = String(await page.locator('main').textContent());
    assert.ok(text.includes(`Test Contact 1 ${HOSTILE}`), 'the name, as literal text');
    assert.ok(text.includes('IT manager'));
    assert.ok(
      !text.includes('test1@example.invalid') && !text.includes('+31612345678'),
      'no e-mail or phone',
    );
    assert.ok(!text.includes('privacy@example.invalid'));
    assert.equal(await page.getByRole('button', { name: /Terminate/ }).count(), 0);
    assert.equal(await page.getByRole('heading', { name: 'Connection settings' }).count(), 0);
    await checkPage(cp, 'tenant-dpo');
    await cp.context.close();
  });

  it('pauses and resumes the sync', {
    skip: !PAUSE_ROUTES && 'the pause routes are not merged yet',
  }, async () => {
    const cp = await signedIn('alice');
    await openPage(cp.page, `${s.server.url}/tenants/acme`);
    await cp.page.getByRole('button', { name: 'Pause the sync' }).click();
    await cp.page.getByText('Paused.').waitFor();
    assert.equal((await s.t.app.tenants.get('acme')).status, 'paused');
    assert.equal(await cp.page.locator('#tenant-state').textContent(), 'paused');
    await checkPage(cp, 'tenant-paused');
    await cp.page.getByRole('button', { name: 'Resume the sync' }).click();
    await cp.page.getByText('Resumed.').waitFor();
    assert.equal((await s.t.app.tenants.get('acme')).status, 'active');
    await cp.context.close();
  });

  it('refuses a terminate whose confirmation is not the tenant id, and the DPO (API)', async () => {
    s.t.clock.advance(30_000);
    const admin = await s.signIn('alice');
    const wrong = await admin.write('POST', '/api/tenants/acme/terminate', { confirm: 'other' });
    assert.equal(wrong.status, 400);
    assert.equal(wrong.json().error, 'confirm: type the tenant id "acme" to terminate it');
    assert.equal((await s.t.app.tenants.get('acme')).status === 'terminated', false);
    const last = (await s.t.app.audit.list()).at(-1);
    assert.deepEqual([last?.action, last?.target, last?.result], ['tenant.terminate', 'acme', 'refused']);
    assert.equal((await admin.send('GET', '/api/tenants/acme/certificate')).status, 404, 'none issued');
    s.t.clock.advance(30_000);
    const dpo = await s.signIn('dora');
    assert.equal((await dpo.write('POST', '/api/tenants/acme/terminate', { confirm: 'acme' })).status, 403);
    s.t.clock.advance(30_000);
  });

  it('terminates only after the tenant id is typed, and offers the deletion certificate', async () => {
    const cp = await signedIn('alice');
    await openPage(cp.page, `${s.server.url}/tenants/other`);
    const { page } = cp;
    const confirm = page.getByLabel('Type the tenant id (other) to confirm');
    await confirm.fill('acme');
    await page.getByRole('button', { name: 'Terminate tenant other' }).click();
    await page.getByText('Type exactly other to confirm.').waitFor();
    assert.equal((await s.t.app.tenants.get('other')).status, 'active');

    await confirm.fill('other');
    await page.getByRole('button', { name: 'Terminate tenant other' }).click();
    await page
      .getByText(/Tenant other is terminated and its keys are destroyed\. Certificate SHA-256: [0-9a-f]{64}/)
      .waitFor();
    await checkPage(cp, 'tenant-terminated');
    const link = page.getByRole('link', { name: 'Download the certificate (JSON)' });
    assert.equal(await link.getAttribute('download'), 'deletion-certificate-other.json');
    const download = await page.request.get(`${s.server.url}${await link.getAttribute('href')}`);
    assert.equal(download.status(), 200);
    const certificate = await download.json();
    assert.equal(certificate.kind, 'koppel-deletion-certificate');
    assert.equal(certificate.tenant.id, 'other');
    assert.match(String(download.headers()['content-disposition']), /attachment/);
    const md = await page.request.get(`${s.server.url}/api/tenants/other/certificate?format=md`);
    assert.match(await md.text(), /^# Deletion certificate: Other BV \(other\)/);
    const audit = (await s.t.app.audit.list()).map((e) => `${e.action} ${e.target} ${e.result}`);
    assert.ok(audit.includes('tenant.terminate other ok'), audit.join('\n'));
    assert.equal((await s.t.app.tenants.get('other')).status, 'terminated');

    // Deletion later: the keys go now, the rows (and the certificate) within the days given.
    await openPage(page, `${s.server.url}/tenants/later`);
    await page.getByLabel('Type the tenant id (later) to confirm').fill('later');
    await page.getByLabel('Delete the rows after (days)').fill('5');
    await page.getByRole('button', { name: 'Terminate tenant later' }).click();
    await page.getByText(/Tenant later is terminated; its rows are deleted by /).waitFor();
    const later = await s.t.app.tenants.get('later');
    assert.equal(later.deletionDueAt, Number(later.terminatedAt) + 5 * 86_400_000);
    assert.equal((await page.request.get(`${s.server.url}/api/tenants/later/certificate`)).status(), 404);
    await cp.context.close();
    assert.deepEqual(dialogs, [], 'no hostile text opened a dialog');
  });
});
