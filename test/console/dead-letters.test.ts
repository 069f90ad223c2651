import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { startTestAdminServer, type TestAdminServer } from '../server/test-admin-server.js';
import { checkPage, launchBrowser, newConsolePage, openPage, signIn } from './console-browser.js';

const HOSTILE = 'Acme <script>alert(1)</script> "><img src=x onerror=alert(2)>';
const DAY_MS = 86_400_000;

describe('console: dead letters', () => {
  let s: TestAdminServer;
  let browser: Browser;
  let seqs: number[] = [];
  const dialogs: string[] = [];
  before(async () => {
    s = await startTestAdminServer({
      admins: ['alice'],
      dpos: ['dora'],
      tenants: { acme: 'Acme BV' },
      prepare: async (t) => {
        const q = t.app.queue;
        await q.enqueue(
          [1, 2, 3].map((n) => ({
            tenantId: 'acme',
            queue: 'to-mailplus',
            payload: { contactId: `c-${n}`, email: `test${n}@example.invalid`, lastName: HOSTILE },
            key: `c-${n}`,
          })),
        );
        const messages = await q.claim({ queue: 'to-mailplus', tenantId: 'acme', limit: 3 });
        assert.equal(messages.length, 3);
        await q.deadLetter(messages, 'permanent', 'rejected by Mail+');
        // A day later: each letter is a day old and a day nearer its deletion.
        t.clock.advance(DAY_MS);
        seqs = (await q.listDeadLetters({})).map((d) => d.seq);
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

  it('gives ages and the retention countdown from koppel’s clock', async () => {
    const admin = await s.signIn('alice');
    // The next sign-in of alice (in the browser) must fall in a later TOTP step.
    s.t.clock.advance(30_000);
    const overview = (await admin.send('GET', '/api/dead-letters/overview')).json();
    const days = s.t.app.config.queue.deadLetterRetentionDays;
    assert.equal(overview.retentionDays, days);
    assert.equal(overview.total, 3);
    const first = overview.letters[0];
    assert.equal(first.ageSeconds, 86_430, 'a day and 30 s old');
    assert.equal(first.deletedInSeconds, days * 86_400 - 86_430);
    assert.equal(first.reason, 'permanent');
    assert.ok(!JSON.stringify(overview).includes('example.invalid'), 'no payload in the list');
  });

  it('lists, shows one payload after an explicit audited step, replays one and purges the rest', async () => {
    const cp = await signedIn('alice');
    const { page } = cp;
    await openPage(page, `${s.server.url}/dead-letters`);
    assert.equal(await page.getByRole('heading', { level: 1 }).textContent(), 'Dead letters');
    const list = page.getByRole('table', { name: /Dead letters, oldest first \(3 of 3\)/ });
    assert.equal(await list.getByRole('row').count(), 4);
    assert.ok(!String(await page.locator('main').textContent()).includes('example.invalid'));
    await checkPage(cp, 'dead-letters');

    const [a, b, c] = seqs as [number, number, number];
    await page.getByRole('button', { name: `View contents of dead letter ${a}` }).click();
    await page.getByText(/may hold personal data\. Viewing them is recorded/).waitFor();
    assert.equal(
      (await s.t.app.audit.list()).filter((e) => e.action === 'dlq.view-payload').length,
      0,
      'nothing is read before the confirmation',
    );
    await page.getByRole('button', { name: 'View and record' }).click();
    await page.getByRole('heading', { name: `Contents of dead letter ${a}` }).waitFor();
    const shown = String(await page.locator('pre.doc').textContent());
    assert.ok(shown.includes('test1@example.invalid'));
    assert.ok(shown.includes(JSON.stringify(HOSTILE)), 'hostile text shown as (JSON) text');
    assert.equal(await page.locator('main img').count(), 0);
    assert.ok(await page.getByText('The remote system’s error: rejected by Mail+').isVisible());
    await checkPage(cp, 'dead-letters-payload');
    const viewed = (await s.t.app.audit.list()).filter((e) => e.action === 'dlq.view-payload');
    assert.deepEqual(
      viewed.map((e) => [e.actor, e.target, e.result]),
      [['alice', String(a), 'ok']],
    );

    await page.getByRole('button', { name: `Replay dead letter ${a}` }).click();
    await page.getByText(`Put dead letter ${a} back on its queue`, { exact: false }).waitFor();
    await checkPage(cp, 'dead-letters-confirm');
    await page.getByRole('button', { name: 'Confirm' }).click();
    await page.getByText('Replayed: 1.').waitFor();
    await page.getByRole('table', { name: /\(2 of 2\)/ }).waitFor();
    const ready = (await s.t.app.queue.stats()).find((q) => q.queue === 'to-mailplus');
    assert.equal(ready?.ready, 1, 'the replayed message waits on its queue');
    assert.equal(ready?.dead, 2);

    await page.getByRole('button', { name: 'Purge selected' }).click();
    await page.getByText('Select one or more dead letters first.').waitFor();
    await page.getByRole('checkbox', { name: `Select dead letter ${b}` }).check();
    await page.getByRole('checkbox', { name: `Select dead letter ${c}` }).check();
    await page.getByRole('button', { name: 'Purge selected' }).click();
    await page.getByText('Delete 2 dead letters now').waitFor();
    await page.getByRole('button', { name: 'Cancel' }).click();
    assert.equal((await s.t.app.queue.listDeadLetters({})).length, 2, 'cancel changes nothing');
    await page.getByRole('button', { name: 'Purge selected' }).click();
    await page.getByRole('button', { name: 'Confirm' }).click();
    await page.getByText('Purged: 2.').waitFor();
    await page.getByText('No dead letters.').waitFor();
    assert.equal((await s.t.app.queue.listDeadLetters({})).length, 0);
    const actions = (await s.t.app.audit.list())
      .filter((e) => e.action === 'dlq.replay' || e.action === 'dlq.purge')
      .map((e) => `${e.action} ${e.target} ${JSON.stringify(e.detail)}`);
    assert.deepEqual(actions, [`dlq.replay ${a} {"count":1}`, `dlq.purge ${b},${c} {"count":2}`]);

    await page.getByRole('button', { name: 'Nederlands' }).click();
    await page.getByRole('heading', { level: 1, name: 'Dode berichten' }).waitFor();
    await checkPage(cp, 'dead-letters-nl');
    await page.getByRole('button', { name: 'English' }).click();
    await cp.context.close();
  });

  it('refuses the DPO the page and every payload', async () => {
    const cp = await signedIn('dora');
    const { page } = cp;
    assert.equal(await page.getByRole('link', { name: 'Dead letters' }).count(), 0, 'not in the DPO’s menu');
    await openPage(page, `${s.server.url}/dead-letters`);
    await page.getByText('The server refused this: your role may not do this').waitFor();
    assert.equal(await page.getByRole('table').count(), 0);
    await checkPage(cp, 'dead-letters-dpo');
    const dpo = await s.signIn('dora');
    const refused = await dpo.send('GET', `/api/dead-letters/${seqs[0]}/payload`);
    assert.equal(refused.status, 403);
    const audit = (await s.t.app.audit.list()).filter((e) => e.actor === 'dora' && e.action === 'access');
    assert.ok(audit.some((e) => e.result === 'refused' && String(e.target).includes('/payload')));
    await cp.context.close();
    assert.deepEqual(dialogs, [], 'no hostile text opened a dialog');
  });
});
