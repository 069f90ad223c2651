import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchChromium } from '../../bench/lib/chromium.js';

export { CHROMIUM } from '../../bench/lib/chromium.js';
export const SCREENSHOTS = join(process.cwd(), 'test-output', 'console');

export const launchBrowser = launchChromium;

export interface ConsolePage {
  page: Page;
  context: BrowserContext;
  /** Console errors and CSP refusals seen so far: a page that breaks the CSP shows up here. */
  problems: string[];
}

/** A new browser context (its own cookies) that trusts the test server's self-signed certificate. */
export async function newConsolePage(browser: Browser, locale = 'en-GB'): Promise<ConsolePage> {
  const context = await browser.newContext({ ignoreHTTPSErrors: true, locale });
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('console', (message) => {
    // A 401/403/404 the page asked for on purpose is reported by Chromium as a console error too.
    if (message.type() === 'error' && !/status of (401|403|404|409)/.test(message.text()))
      problems.push(message.text());
  });
  page.on('pageerror', (error) => problems.push(String(error)));
  return { page, context, problems };
}

/** Opens a console path and waits until its module has drawn it (the shell sets data-ready). */
export async function openPage(page: Page, url: string): Promise<void> {
  await page.goto(url);
  await pageReady(page);
}

/** Waits until the page's module has drawn it; a page that failed to draw fails with its message. */
export async function pageReady(page: Page): Promise<void> {
  await page.waitForSelector('body[data-ready]', { timeout: 15_000 });
  if ((await page.getAttribute('body', 'data-ready')) === 'error')
    assert.fail(`${page.url()} failed to draw: ${await page.locator('main').textContent()}`);
}

export async function signIn(page: Page, base: string, username: string, password: string, code: string) {
  await openPage(page, `${base}/login`);
  await page.getByLabel('Username').or(page.getByLabel('Gebruikersnaam')).fill(username);
  await page.getByLabel('Password', { exact: true }).or(page.getByLabel('Wachtwoord')).fill(password);
  await page.getByLabel('Code', { exact: true }).fill(code);
  await page.getByRole('button', { name: /Sign in|Inloggen/ }).click();
}

interface AxeViolation {
  id: string;
  impact: string;
  nodes: { target: string[] }[];
}

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/**
 * axe-core's serious and critical violations on the page as it is now. Evaluated through the
 * DevTools protocol, which the page's CSP does not govern (an injected <script> would be refused).
 */
export async function seriousViolations(page: Page): Promise<string[]> {
  await page.evaluate(axeSource);
  const violations = await page.evaluate(async () => {
    // The browser's globals: axe from the evaluated source, and the page's document.
    const { axe, document } = globalThis as unknown as {
      axe: { run(context: unknown, options: unknown): Promise<{ violations: AxeViolation[] }> };
      document: unknown;
    };
    const result = await axe.run(document, { resultTypes: ['violations'] });
    return result.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      targets: v.nodes.map((n) => n.target.join(' ')).slice(0, 3),
    }));
  });
  return violations
    .filter((v: { impact: string }) => v.impact === 'serious' || v.impact === 'critical')
    .map(
      (v: { id: string; impact: string; targets: string[] }) =>
        `${v.impact} ${v.id}: ${v.targets.join(', ')}`,
    );
}

/** A screenshot under test-output/console/, the axe check, and no console errors: every page gets all three. */
export async function checkPage(cp: ConsolePage, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await cp.page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
  assert.deepEqual(await seriousViolations(cp.page), [], `axe-core on ${name}`);
  assert.deepEqual(cp.problems, [], `browser console on ${name}`);
}
