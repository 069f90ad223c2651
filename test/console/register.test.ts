import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { startTestAdminServer, type TestAdminServer } from '../server/test-admin-server.js';
import { checkPage, launchBrowser, newConsolePage, openPage, pageReady, signIn } from './console-browser.js';
import { HOSTILE } from './incident-fixtures.js';

describe('console: the register and the Data Pro Statement', () => {
  let s: TestAdminServer;
  let browser: Browser;
  before(async () => {
    s = await startTestAdminServer({ dpos: ['dora'], tenants: { acme: HOSTILE } });
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await s?.close();
  });

  it('renders both documents from the Markdown as elements, and downloads Markdown, HTML and PDF', async () => {
    const cp = await newConsolePage(browser);
    const dialogs: string[] = [];
    cp.page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    const { password, code } = s.credentials('dora');
    await signIn(cp.page, s.server.url, 'dora', password, code);
    await cp.page.waitForURL(`${s.server.url}/`);
    await openPage(cp.page, `${s.server.url}/register`);
    const page = cp.page;
    assert.equal(
      await page.getByRole('heading', { level: 1 }).textContent(),
      'Register and Data Pro Statement',
    );
    await page.locator('.doc-view h2').first().waitFor();
    const titles = await page.locator('.doc-view h2').allTextContents();
    assert.equal(titles.length, 2, `two documents: ${titles.join(' | ')}`);
    assert.match(titles[1] ?? '', /Data Pro Statement/);
    // The tenant's name is a heading, shown as the text it is (the Markdown escaped it; we undo only that).
    assert.ok(await page.getByRole('heading', { name: HOSTILE, exact: true }).isVisible());
    assert.ok((await page.locator('.doc-view table').count()) > 0, 'tables rendered');
    const text = String(await page.locator('.doc-view').textContent());
    assert.doesNotMatch(text, /\*\*|\| --- \||\\</, 'no Markdown syntax left');
    await checkPage(cp, 'register');

    const download = async (format: string) => {
      const href = await page.locator(`a[data-format="${format}"]`).getAttribute('href');
      assert.ok(href && (await page.locator(`a[data-format="${format}"]`).getAttribute('download')));
      return cp.context.request.get(new URL(href, s.server.url).href);
    };
    const md = await download('md');
    assert.equal(md.status(), 200);
    assert.match(md.headers()['content-type'] ?? '', /text\/markdown/);
    assert.match(await md.text(), /^# /);
    const html = await download('html');
    assert.match(html.headers()['content-type'] ?? '', /text\/html/);
    assert.match(await html.text(), /Data Pro Statement/);
    const pdf = await download('pdf');
    assert.equal(pdf.status(), 200);
    assert.equal(pdf.headers()['content-type'], 'application/pdf');
    assert.equal((await pdf.body()).subarray(0, 5).toString(), '%PDF-');

    // Only the statement, in Dutch: the choice is in the address, and the downloads follow it.
    await page.getByLabel('Document', { exact: true }).selectOption('statement');
    await page.getByLabel('Language of the document').selectOption('nl');
    await page.getByRole('button', { name: 'Show' }).click();
    await page.waitForURL(/document=statement/);
    await pageReady(page);
    await page.locator('.doc-view h2').first().waitFor();
    assert.deepEqual(await page.locator('.doc-view h2').allTextContents(), ['Data Pro Statement']);
    assert.match(
      String(await page.locator('a[data-format="pdf"]').getAttribute('href')),
      /lang=nl&document=statement/,
    );

    await page.getByRole('button', { name: 'Nederlands' }).click();
    await page.getByRole('heading', { level: 1, name: 'Register en Data Pro Statement' }).waitFor();
    assert.ok(await page.getByRole('link', { name: 'Downloaden als PDF' }).isVisible());
    await checkPage(cp, 'register-nl');
    assert.deepEqual(dialogs, []);
    const audit = await s.t.app.audit.list();
    assert.ok(
      audit.some((e) => e.action === 'register.export' && e.actor === 'dora' && e.detail.format === 'pdf'),
    );
    await cp.context.close();
  });
});
