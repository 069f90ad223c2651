import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { incidentFactsSchema } from '../../src/incidents/facts-schema.js';
import { startTestAdminServer, type TestAdminServer } from '../server/test-admin-server.js';
import {
  type ConsolePage,
  checkPage,
  launchBrowser,
  newConsolePage,
  openPage,
  pageReady,
  signIn,
} from './console-browser.js';
import { ACME_CONTACTS, CONTACT_VALUES, HOSTILE, OPERATOR } from './incident-fixtures.js';

describe('console: audit log, settings, and what the DPO may see', () => {
  let s: TestAdminServer;
  let browser: Browser;
  let incidentId = '';
  before(async () => {
    s = await startTestAdminServer({
      admins: ['alice'],
      dpos: ['dora'],
      tenants: { acme: 'Acme BV' },
      prepare: async (t) => {
        const { app } = t;
        await app.tenantContacts.set('acme', ACME_CONTACTS);
        // More than one page of entries, one with a hostile target.
        for (let i = 0; i < 60; i++)
          await app.audit.append({
            actor: 'cli',
            address: 'cli',
            action: 'tenant.set',
            target: i === 59 ? HOSTILE : `tenant-${i}`,
            result: 'ok',
            detail: { fields: ['schedule'] },
          });
        // An incident being informed: its phone tasks name a contact person.
        const { id } = await app.incidents.report({ title: 'Privacy test', tenants: ['acme'] }, OPERATOR);
        incidentId = id;
        await app.incidents.advance(id, 'triage', { reason: 'looking' }, OPERATOR);
        await app.incidents.advance(
          id,
          'breach-confirmed',
          { reason: 'yes', awareAt: t.clock.now() },
          OPERATOR,
        );
        await app.incidents.append(
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
        await app.incidents.advance(id, 'assessment', { reason: 'assessing' }, OPERATOR);
        await app.escalation.notify(id, OPERATOR);
      },
    });
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await s?.close();
  });

  const signedIn = async (username: string): Promise<ConsolePage> => {
    const cp = await newConsolePage(browser);
    const { password, code } = s.credentials(username);
    await signIn(cp.page, s.server.url, username, password, code);
    await cp.page.waitForURL(`${s.server.url}/`);
    await pageReady(cp.page);
    return cp;
  };

  it('shows the audit log a page at a time, newest first, with the chain intact', async () => {
    const cp = await signedIn('alice');
    const dialogs: string[] = [];
    cp.page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    await openPage(cp.page, `${s.server.url}/audit`);
    const page = cp.page;
    assert.match(
      String(await page.getByRole('status').first().textContent()),
      /The chain is intact: \d+ entries/,
    );
    const total = (await s.t.app.audit.extent()).count;
    assert.equal(await page.locator('table.audit tbody tr').count(), 50);
    assert.ok(await page.getByRole('cell', { name: HOSTILE, exact: true }).isVisible(), 'literal text');
    const firstSeq = Number(await page.locator('table.audit tbody tr td').first().textContent());
    assert.equal(firstSeq, total, 'newest first');
    await checkPage(cp, 'audit');

    await page.getByRole('link', { name: 'Older entries' }).click();
    await page.waitForURL(/\/audit\?before=\d+$/);
    await pageReady(page);
    assert.equal(Number(await page.locator('table.audit tbody tr td').first().textContent()), total - 50);
    assert.equal(await page.locator('table.audit tbody tr').count(), total - 50);
    assert.equal(await page.getByRole('link', { name: 'Older entries' }).count(), 0, 'the last page');
    await page.getByRole('link', { name: 'Newest entries' }).click();
    await page.waitForURL(/\/audit$/);
    assert.deepEqual(dialogs, []);
    await cp.context.close();
  });

  it('shows retention, keys and the doctor to an admin, read-only with the commands that change them', async () => {
    s.t.clock.advance(30_000);
    const cp = await signedIn('alice');
    await openPage(cp.page, `${s.server.url}/settings`);
    const page = cp.page;
    await page.locator('#settings-doctor + *').waitFor();
    const retention = String(await page.locator('#settings-retention ~ *').first().textContent());
    assert.match(retention, /dead-letters.*queue\.deadLetterRetentionDays/s);
    assert.match(retention, /audit-log.*server\.auditRetentionDays/s);
    const keys = page.getByRole('row').filter({ hasText: 'koppel keys rotate-tenant acme' });
    assert.equal(await keys.count(), 1, 'the tenant key with its rotate command');
    assert.match(String(await keys.textContent()), /current/);
    assert.match(
      String(await page.locator('section').filter({ hasText: 'koppel doctor' }).last().textContent()),
      /passed/,
    );
    assert.ok(
      (await page
        .getByRole('table', { name: /Security checks/ })
        .locator('tbody tr')
        .count()) > 3,
    );
    assert.equal(await page.locator('main form, main button').count(), 0, 'read-only');
    await checkPage(cp, 'settings');
    await page.getByRole('button', { name: 'Nederlands' }).click();
    await page.getByRole('heading', { level: 1, name: 'Instellingen' }).waitFor();
    await page.locator('#settings-doctor + *').waitFor();
    await checkPage(cp, 'settings-nl');
    await cp.context.close();
  });

  it('shows the DPO no e-mail address or phone number of a contact person on any page, and refuses admin-only parts plainly', async () => {
    const cp = await signedIn('dora');
    const page = cp.page;
    const answers: Promise<string>[] = [];
    page.on('response', (response) => {
      if (new URL(response.url()).pathname.startsWith('/api/')) answers.push(response.text().catch(() => ''));
    });
    const pages = ['/', '/register', '/incidents', `/incidents/${incidentId}`, '/audit', '/settings'];
    for (const path of pages) {
      await openPage(page, `${s.server.url}${path}`);
      // textContent, not innerText: what is folded away (a call script in <details>) counts too.
      const text = String(await page.locator('body').textContent());
      const values = await page
        .locator('input, textarea')
        .evaluateAll((els) => els.map((el) => (el as unknown as { value: string }).value));
      for (const personal of CONTACT_VALUES) {
        assert.ok(!text.includes(personal), `${path} shows ${personal}`);
        assert.ok(!values.some((v) => v.includes(personal)), `${path} has ${personal} in a field`);
      }
      await checkPage(
        cp,
        `dpo${path === '/' ? '-dashboard' : path.replaceAll('/', '-').replace(/-INC.*/, '-incident')}`,
      );
    }
    const bodies = await Promise.all(answers);
    assert.ok(bodies.length > 10, 'the pages asked the API');
    for (const personal of CONTACT_VALUES)
      assert.ok(!bodies.some((a) => a.includes(personal)), `an API answer to the DPO held ${personal}`);

    // On the incident, the phone task names the contact's position and role, not the person.
    await openPage(page, `${s.server.url}/incidents/${incidentId}`);
    const calls = String(await page.locator('#h-calls + *').textContent());
    assert.match(calls, /contact 1 \(round 1\).*IT manager.*not shown to your role/s);

    // Admin-only parts: the menu does not offer them, the page says why it shows nothing.
    await openPage(page, `${s.server.url}/settings`);
    assert.equal(await page.getByRole('link', { name: 'Dead letters' }).count(), 0);
    const refusals = await page.locator('.notice.warn').allTextContents();
    assert.deepEqual(refusals, [
      'Your role may not do this: key ages and rotation are for administrators only.',
      'Your role may not do this: the doctor’s results are for administrators only.',
    ]);
    assert.ok(
      await page.getByRole('table', { name: /retention|Per class/i }).isVisible(),
      'retention is shown',
    );
    await cp.context.close();
  });

  it('says so when the audit chain was tampered with', async () => {
    await s.t.app.store.db
      .updateTable('audit_log')
      .set({ action: 'tampered' })
      .where('seq', '=', 3)
      .execute();
    s.t.clock.advance(30_000);
    const cp = await signedIn('dora');
    await openPage(cp.page, `${s.server.url}/audit`);
    assert.match(
      String(await cp.page.getByRole('alert').textContent()),
      /The chain is broken at entry 3: .*Someone changed or removed entries/,
    );
    await checkPage(cp, 'audit-broken');
    await cp.context.close();
  });
});
