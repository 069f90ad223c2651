import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { startTestAdminServer, type TestAdminServer } from '../server/test-admin-server.js';
import { checkPage, launchBrowser, newConsolePage, openPage, pageReady, signIn } from './console-browser.js';

describe('console: sign-in, sign-out and the language', () => {
  let s: TestAdminServer;
  let browser: Browser;
  before(async () => {
    s = await startTestAdminServer({ admins: ['alice'], dpos: ['dora'], tenants: { acme: 'Acme BV' } });
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await s?.close();
  });

  it('sends a visitor without a session to the login page, which names its three inputs', async () => {
    const cp = await newConsolePage(browser);
    await openPage(cp.page, `${s.server.url}/runs`);
    assert.match(cp.page.url(), /\/login\?next=%2Fruns$/);
    for (const name of ['username', 'password', 'code'])
      assert.equal(await cp.page.locator(`input[name="${name}"]`).count(), 1, name);
    await checkPage(cp, 'login');
    await cp.context.close();
  });

  it('refuses a wrong code without saying which part was wrong, then signs in with the right one', async () => {
    const cp = await newConsolePage(browser);
    const { password, code } = s.credentials('alice');
    const wrong = String((Number(code) + 1) % 1_000_000).padStart(6, '0');
    await signIn(cp.page, s.server.url, 'alice', password, wrong);
    await cp.page.getByRole('alert').waitFor();
    assert.match(String(await cp.page.getByRole('alert').textContent()), /wrong username, password or code/);
    assert.match(cp.page.url(), /\/login/);
    await signIn(cp.page, s.server.url, 'alice', password, code);
    await cp.page.waitForURL(`${s.server.url}/`);
    await pageReady(cp.page);
    assert.equal(await cp.page.getByRole('heading', { level: 1 }).textContent(), 'Dashboard');
    assert.ok(await cp.page.getByRole('link', { name: 'acme' }).isVisible());
    await checkPage(cp, 'dashboard');

    await cp.page.getByRole('button', { name: 'Nederlands' }).click();
    await cp.page.getByRole('heading', { level: 1, name: 'Overzicht' }).waitFor();
    assert.equal(await cp.page.locator('html').getAttribute('lang'), 'nl');
    await openPage(cp.page, `${s.server.url}/`);
    assert.equal(
      await cp.page.getByRole('heading', { level: 1 }).textContent(),
      'Overzicht',
      'kept after reload',
    );
    await checkPage(cp, 'dashboard-nl');

    await cp.page.getByRole('button', { name: 'Uitloggen' }).click();
    await cp.page.waitForURL(/\/login$/);
    await openPage(cp.page, `${s.server.url}/`);
    assert.match(cp.page.url(), /\/login$/, 'the session is gone');
    await cp.context.close();
  });

  it('follows the browser language on a first visit', async () => {
    const cp = await newConsolePage(browser, 'nl-NL');
    await openPage(cp.page, `${s.server.url}/login`);
    assert.equal(await cp.page.getByRole('heading', { level: 1 }).textContent(), 'Inloggen bij koppel');
    await cp.context.close();
  });
});
