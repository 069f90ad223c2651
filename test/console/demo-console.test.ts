import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Secret, TOTP } from 'otpauth';
import type { Browser } from 'playwright-core';
import { loadConfig } from '../../src/config/load-config.js';
import { runDemo } from '../../src/demo/run-demo.js';
import { checkPage, launchBrowser, newConsolePage, openPage, pageReady, signIn } from './console-browser.js';

/**
 * `koppel demo` in this process, as a new user meets it: the printed console address, password and
 * authenticator secret sign in, and the dashboard and runs pages show the demo tenant's sync. The
 * demo runs on the system clock (it shows real time passing), so the TOTP code is computed for now.
 */
describe('console: koppel demo opens the console with the demo tenant', () => {
  const lines: string[] = [];
  let dir: string;
  let browser: Browser;
  let stop: () => void;
  let demo: Promise<number>;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'koppel-demo-console-'));
    const config = loadConfig({ env: { KOPPEL_DATA_DIR: dir }, overrides: { server: { port: 0 } } });
    let syncing: () => void = () => {};
    const live = new Promise<void>((resolve) => {
      syncing = resolve;
    });
    const stopped = new Promise<void>((resolve) => {
      stop = resolve;
    });
    demo = runDemo(config, {
      contacts: 200,
      exitWhenDone: false,
      pollIntervalMs: 200,
      interactive: false,
      stopped,
      out: (line) => {
        lines.push(line);
        if (line.includes('Still syncing')) syncing();
      },
    });
    await Promise.race([
      live,
      demo.then((code) => assert.fail(`the demo ended with ${code}: ${lines.join('\n')}`)),
    ]);
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    stop?.();
    await demo;
    rmSync(dir, { recursive: true, force: true });
  });

  it('prints the console address, the demo password and the authenticator secret', () => {
    const text = lines.join('\n');
    assert.match(text, /console: {4}https:\/\/127\.0\.0\.1:\d+\//);
    assert.match(text, /sign in as demo, password try-\S+/);
    assert.match(text, /authenticator secret [A-Z2-7]+/);
  });

  it('signs in with them and shows the demo tenant live, its figures and a chart', async () => {
    const text = lines.join('\n');
    const url = /console: {4}(https:\/\/\S+?)\/ /.exec(text)![1]!;
    const password = /password (try-\S+)/.exec(text)![1]!;
    const secret = /authenticator secret ([A-Z2-7]+)/.exec(text)![1]!;
    const code = new TOTP({ secret: Secret.fromBase32(secret), digits: 6, period: 30 }).generate();
    const cp = await newConsolePage(browser);
    await signIn(cp.page, url, 'demo', password, code);
    await cp.page.waitForURL(`${url}/`);
    await pageReady(cp.page);
    const row = cp.page.locator('table.tenants tbody tr', { hasText: 'demo' });
    assert.match(String(await row.textContent()), /Demo BV/);
    assert.equal(await row.locator('.badge').textContent(), 'live');
    const bars = cp.page.locator('figure.chart').first().locator('rect.bar');
    assert.equal(await bars.count(), 24, 'a bar per hour of the last 24');
    const tallest = await bars.evaluateAll((rects) =>
      Math.max(...rects.map((r) => Number(r.getAttribute('height')))),
    );
    assert.ok(tallest > 0, 'the load shows in the current hour');
    await checkPage(cp, 'demo-dashboard');

    await openPage(cp.page, `${url}/runs`);
    const rounds = cp.page.locator('table tbody tr');
    assert.ok((await rounds.count()) >= 2, 'the first load and live rounds are listed');
    assert.match(String(await cp.page.locator('table tbody').textContent()), /first load/);
    await checkPage(cp, 'runs');
    await cp.context.close();
  });
});
