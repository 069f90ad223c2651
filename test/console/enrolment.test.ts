import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Secret, TOTP } from 'otpauth';
import type { Browser } from 'playwright-core';
import { ADMIN_PASSWORD, startTestAdminServer, type TestAdminServer } from '../server/test-admin-server.js';
import { checkPage, launchBrowser, newConsolePage, openPage, pageReady, signIn } from './console-browser.js';

const codeFor = (secret: string, at: number) =>
  new TOTP({ secret: Secret.fromBase32(secret), digits: 6, period: 30, algorithm: 'SHA1' }).generate({
    timestamp: at,
  });

describe('console: a new account enrols its authenticator at the first sign-in', () => {
  let s: TestAdminServer;
  let browser: Browser;
  before(async () => {
    s = await startTestAdminServer({
      prepare: async (t) => {
        await t.app.admins.add('erik', 'admin', ADMIN_PASSWORD, { enrolInConsole: true });
      },
    });
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await s?.close();
  });

  it('sends the sign-in to /enrol, shows the QR code and recovery codes once, and confirms with a real code', async () => {
    const cp = await newConsolePage(browser);
    // Any code: the account has no authenticator yet, so the right password leads to the enrolment.
    await signIn(cp.page, s.server.url, 'erik', ADMIN_PASSWORD, '000000');
    await cp.page.waitForURL(/\/enrol$/);
    await pageReady(cp.page);
    await cp.page.getByLabel('Username').fill('erik');
    await cp.page.getByLabel('Password').fill(ADMIN_PASSWORD);
    await cp.page.getByRole('button', { name: 'Show my authenticator secret' }).click();
    await cp.page.getByRole('img', { name: /QR code/ }).waitFor();
    assert.equal((await cp.page.locator('.qr svg path').count()) > 0, true, 'the QR code is drawn');
    assert.equal(await cp.page.locator('ul.codes li').count(), 10, 'ten recovery codes');
    const secret = String(await cp.page.locator('dd.secret').textContent());
    assert.match(secret, /^[A-Z2-7]+=*$/);
    await checkPage(cp, 'enrol');

    const wrong = String((Number(codeFor(secret, s.t.clock.now())) + 1) % 1_000_000).padStart(6, '0');
    await cp.page.getByLabel('Code', { exact: true }).fill(wrong);
    await cp.page.getByRole('button', { name: 'Finish and sign in' }).click();
    await cp.page.getByRole('alert').waitFor();

    await cp.page.getByLabel('Code', { exact: true }).fill(codeFor(secret, s.t.clock.now()));
    await cp.page.getByRole('button', { name: 'Finish and sign in' }).click();
    await cp.page.waitForURL(`${s.server.url}/`);
    await cp.page.getByRole('heading', { level: 1, name: 'Dashboard' }).waitFor();
    assert.equal((await s.t.app.admins.get('erik'))?.enrolmentPending, false);

    const audit = await s.t.app.audit.verify();
    assert.equal(audit.ok, true);
    await cp.context.close();

    // Enrolled: the enrolment cannot be started again, and the usual sign-in works with the new secret.
    assert.equal(await s.t.app.admins.startEnrolment('erik', ADMIN_PASSWORD), undefined);
    s.t.clock.advance(30_000);
    const again = await newConsolePage(browser);
    await signIn(again.page, s.server.url, 'erik', ADMIN_PASSWORD, codeFor(secret, s.t.clock.now()));
    await again.page.waitForURL(`${s.server.url}/`);
    await again.context.close();
  });

  it('opens no session for a pending account, whatever code is sent', async () => {
    await s.t.app.admins.add('fenna', 'dpo', ADMIN_PASSWORD, { enrolInConsole: true });
    const cp = await newConsolePage(browser);
    await openPage(cp.page, `${s.server.url}/login`);
    const answer = await cp.page.evaluate(async (password) => {
      const r = await fetch('/api/session', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'fenna', password, code: '123456' }),
      });
      const me = await fetch('/api/session');
      return { status: r.status, me: me.status };
    }, ADMIN_PASSWORD);
    assert.deepEqual(answer, { status: 409, me: 401 });
    await cp.context.close();
  });
});
