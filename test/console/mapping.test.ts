import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { type DataverseEmulator, startDataverseEmulator } from '../../src/emulators/dataverse/index.js';
import { type MailplusEmulator, startMailplusEmulator } from '../../src/emulators/mailplus/index.js';
import { startTestAdminServer, type TestAdminServer } from '../server/test-admin-server.js';
import { checkPage, launchBrowser, newConsolePage, openPage, signIn } from './console-browser.js';

// The editor validates against both systems' metadata, as `koppel tenant mapping set` does: the
// tenant is connected to the two emulators the way `koppel demo` connects its tenant.
describe('console: the mapping editor', () => {
  let s: TestAdminServer;
  let browser: Browser;
  let dataverse: DataverseEmulator;
  let mailplus: MailplusEmulator;
  before(async () => {
    dataverse = await startDataverseEmulator({ seedContacts: 1, randomSeed: 14 });
    mailplus = await startMailplusEmulator({ randomSeed: 14 });
    s = await startTestAdminServer({
      admins: ['alice'],
      dpos: ['dora'],
      tenants: { acme: 'Acme BV' },
      prepare: async (t) => {
        writeFileSync(join(t.dataDir, 'dv.pem'), dataverse.caCertificate);
        writeFileSync(join(t.dataDir, 'mp.pem'), mailplus.caCertificate!);
        await t.app.tenants.updateSettings('acme', {
          'dataverse.baseUrl': dataverse.baseUrl,
          'dataverse.authority': dataverse.authority,
          'dataverse.clientId': dataverse.clientId,
          'dataverse.clientSecret': dataverse.clientSecret,
          'dataverse.caFile': join(t.dataDir, 'dv.pem'),
          'mailplus.baseUrl': mailplus.baseUrl,
          'mailplus.consumerKey': mailplus.consumerKey,
          'mailplus.consumerSecret': mailplus.consumerSecret,
          'mailplus.caFile': join(t.dataDir, 'mp.pem'),
        });
      },
    });
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await s?.close();
    await dataverse?.close();
    await mailplus?.close();
  });

  it('shows an unknown property beside its field, saves a valid edit (audited), and previews a sample', async () => {
    const cp = await newConsolePage(browser);
    const { password, code } = s.credentials('alice');
    await signIn(cp.page, s.server.url, 'alice', password, code);
    await cp.page.waitForURL(`${s.server.url}/`);
    const { page } = cp;
    await openPage(page, `${s.server.url}/tenants/acme/mapping`);
    assert.equal(await page.getByRole('heading', { level: 1 }).textContent(), 'Field mapping of acme');
    // The default definition: field 2 is firstname <-> firstName, both ways, owned by Dataverse.
    assert.equal(
      await page.getByLabel('Dataverse column of field 2', { exact: true }).inputValue(),
      'firstname',
    );
    assert.equal(await page.getByLabel('Direction of field 2', { exact: true }).inputValue(), 'both');
    assert.equal(await page.getByLabel('Owner of field 2', { exact: true }).inputValue(), 'dataverse');
    assert.equal(await page.getByLabel('Transform of field 1', { exact: true }).inputValue(), 'email');
    await checkPage(cp, 'mapping');

    const property = page.getByLabel('Mail+ property of field 2', { exact: true });
    await property.fill('firstNaam');
    await page.getByRole('button', { name: 'Save mapping' }).click();
    await page.getByText(/The definition was not saved: 1 problem/).waitFor();
    const error = page.locator('#e-mailplus-1');
    assert.match(
      String(await error.textContent()),
      /fields\[1\]\.mailplus: Mail\+ property 'firstNaam' does not exist; did you mean 'firstName'/,
    );
    assert.equal(await property.getAttribute('aria-invalid'), 'true');
    assert.equal(
      await property.getAttribute('aria-describedby'),
      'e-mailplus-1',
      'the error is tied to its input',
    );
    // The refusal was asked for on purpose; Chromium logs it as a console error like any 4xx.
    const refusal = cp.problems.indexOf(
      'Failed to load resource: the server responded with a status of 400 (Bad Request)',
    );
    assert.ok(refusal >= 0, 'the save was refused by the server, not only in the browser');
    cp.problems.splice(refusal, 1);
    await checkPage(cp, 'mapping-error');
    const before = (await s.t.app.audit.list()).filter((e) => e.action === 'mapping.set').length;
    assert.equal(before, 0, 'a refused definition is not stored');

    await property.fill('firstName');
    await page.getByLabel('Direction of field 2', { exact: true }).selectOption('to-mailplus');
    await page.getByLabel('Owner of field 2', { exact: true }).selectOption('');
    await page.getByRole('button', { name: 'Save mapping' }).click();
    await page.getByText(/Saved: \d+ fields, 1 permissions\./).waitFor();
    assert.equal(await page.locator('.error').count(), 0, 'the error is gone');
    const stored = await s.t.app.definitions.get('acme');
    assert.equal(stored.fields[1]?.direction, 'to-mailplus');
    assert.equal(stored.fields[1]?.owner, 'dataverse', 'a one-way field is owned by its source');
    const saved = (await s.t.app.audit.list()).filter((e) => e.action === 'mapping.set');
    assert.equal(saved.length, 1);
    assert.equal(saved[0]?.actor, 'alice');
    assert.equal(saved[0]?.target, 'acme');

    await page.getByRole('button', { name: 'Preview on a sample contact' }).click();
    await page.getByRole('heading', { name: 'Preview' }).waitFor();
    const toMailplus = page.getByRole('table', { name: 'Dataverse → Mail+' });
    const emailRow = toMailplus.getByRole('row', { name: /emailaddress1/ });
    assert.match(String(await emailRow.textContent()), /@example\.(com|net|org).*@example\.(com|net|org)/);
    const toDataverse = page.getByRole('table', { name: 'Mail+ → Dataverse' });
    assert.equal(
      await toDataverse.getByRole('row', { name: /firstName/ }).count(),
      0,
      'firstName flows one way now',
    );
    assert.equal(await toDataverse.getByRole('row', { name: /lastName/ }).count(), 1);
    await checkPage(cp, 'mapping-preview');

    await page.getByRole('button', { name: 'Nederlands' }).click();
    await page.getByRole('heading', { level: 1, name: 'Veldkoppeling van acme' }).waitFor();
    await checkPage(cp, 'mapping-nl');
    await page.getByRole('button', { name: 'English' }).click();
    await cp.context.close();
  });

  it('previews through the API on a synthetic contact and refuses the DPO', async () => {
    s.t.clock.advance(30_000);
    const admin = await s.signIn('alice');
    const definition = (await admin.send('GET', '/api/tenants/acme/mapping')).json().definition;
    const reply = await admin.write('POST', '/api/tenants/acme/mapping/preview', { definition });
    assert.equal(reply.status, 200, reply.text);
    const preview = reply.json();
    assert.match(String(preview.dataverseSample.emailaddress1), /@example\.(com|net|org)$/);
    const email = preview.fields.find((f: { mailplus: string }) => f.mailplus === 'email');
    assert.equal(email.toMailplus.result, email.toMailplus.sample);
    const bad = await admin.write('POST', '/api/tenants/acme/mapping/preview', {
      definition: { ...definition, fields: [{ ...definition.fields[0], direction: 'sideways' }] },
    });
    assert.equal(bad.status, 400);
    assert.match(bad.json().issues[0], /^fields\[0\]\.direction: /);
    s.t.clock.advance(30_000);
    const dpo = await s.signIn('dora');
    const refused = await dpo.write('POST', '/api/tenants/acme/mapping/preview', { definition });
    assert.equal(refused.status, 403);
    assert.equal(refused.json().error, 'your role may not do this');
    assert.equal((await dpo.write('PUT', '/api/tenants/acme/mapping', { definition })).status, 403);
  });

  it('tells the DPO in the page that the role may not edit the mapping', async () => {
    s.t.clock.advance(30_000);
    const cp = await newConsolePage(browser);
    const { password, code } = s.credentials('dora');
    await signIn(cp.page, s.server.url, 'dora', password, code);
    await cp.page.waitForURL(`${s.server.url}/`);
    await openPage(cp.page, `${s.server.url}/tenants/acme/mapping`);
    await cp.page.getByText('The server refused this: your role may not do this').waitFor();
    assert.equal(await cp.page.getByRole('button', { name: 'Save mapping' }).count(), 0);
    await checkPage(cp, 'mapping-dpo');
    await cp.context.close();
  });
});
