import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { startTestAdminServer, type TestAdminServer } from '../server/test-admin-server.js';
import {
  type ConsolePage,
  checkPage,
  launchBrowser,
  newConsolePage,
  openPage,
  signIn,
} from './console-browser.js';
import { ACME_CONTACTS, HOSTILE, OPERATOR } from './incident-fixtures.js';

/**
 * One store with hostile text wherever a person or an operator can type a name (the tenant's name, a
 * contact person, an incident's title, a dead-lettered contact's last name), and every console page
 * opened on it: none may run it, and those that show it show it as the text it is.
 */
describe('console: hostile names are shown as text on every page', () => {
  let s: TestAdminServer;
  let browser: Browser;
  let cp: ConsolePage;
  let incident = '';
  const dialogs: string[] = [];
  before(async () => {
    s = await startTestAdminServer({
      admins: ['alice'],
      tenants: { acme: HOSTILE },
      prepare: async (t) => {
        const hostileContact = { ...ACME_CONTACTS.contacts[0]!, name: HOSTILE };
        await t.app.tenantContacts.set('acme', { ...ACME_CONTACTS, contacts: [hostileContact] });
        incident = (
          await t.app.incidents.report({ title: HOSTILE, summary: HOSTILE, tenants: ['acme'] }, OPERATOR)
        ).id;
        await t.app.queue.enqueue([
          {
            queue: 'to-mailplus',
            tenantId: 'acme',
            payload: { contactId: 'c-1', email: 'test1@example.invalid', lastName: HOSTILE },
            key: 'c-1',
          },
        ]);
        const claimed = await t.app.queue.claim({ queue: 'to-mailplus', tenantId: 'acme', limit: 1 });
        await t.app.queue.deadLetter(claimed, 'permanent', HOSTILE);
      },
    });
    browser = await launchBrowser();
    cp = await newConsolePage(browser);
    cp.page.on('dialog', (dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss();
    });
    const { password, code } = s.credentials('alice');
    await signIn(cp.page, s.server.url, 'alice', password, code);
    await cp.page.waitForURL(`${s.server.url}/`);
  });
  after(async () => {
    await browser?.close();
    await s?.close();
  });

  const pages: { path: () => string; name: string; shows: boolean }[] = [
    { path: () => '/', name: 'dashboard', shows: true },
    { path: () => '/tenants/acme', name: 'tenant', shows: true },
    { path: () => '/tenants/acme/mapping', name: 'mapping', shows: false },
    { path: () => '/runs', name: 'runs', shows: false },
    { path: () => '/dead-letters', name: 'dead-letters', shows: false },
    { path: () => '/incidents', name: 'incidents', shows: true },
    { path: () => `/incidents/${incident}`, name: 'incident', shows: true },
    { path: () => '/register', name: 'register', shows: true },
    { path: () => '/audit', name: 'audit', shows: false },
    { path: () => '/settings', name: 'settings', shows: false },
  ];
  for (const { path, name, shows } of pages)
    it(`${name}: runs none of it${shows ? ' and shows it literally' : ''}`, async () => {
      await openPage(cp.page, `${s.server.url}${path()}`);
      await assertNothingInjected(cp.page);
      if (shows)
        assert.ok((await cp.page.locator('main').textContent())?.includes(HOSTILE), `${name} shows it`);
      assert.deepEqual(dialogs, []);
      await checkPage(cp, `escaping-${name}`);
    });
});

/** No element the hostile text would have made, and no script but the console's own modules. */
async function assertNothingInjected(page: Page): Promise<void> {
  const found = await page.evaluate(() => {
    const doc = (globalThis as unknown as { document: { querySelectorAll(s: string): ArrayLike<unknown> } })
      .document;
    const scripts = Array.from(doc.querySelectorAll('script') as ArrayLike<{ src: string }>);
    return {
      images: doc.querySelectorAll('img[src="x"], img[onerror]').length,
      foreignScripts: scripts.filter(
        (s) => !new URL(s.src || 'inline:', 'https://x').pathname.startsWith('/assets/'),
      ).length,
    };
  });
  assert.deepEqual(found, { images: 0, foreignScripts: 0 });
}
