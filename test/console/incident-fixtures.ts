import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import type { Actor } from '../../src/incidents/incident-model.js';
import type { TestApp } from '../helpers/stores.js';

/** Shown as literal text everywhere: a page that parsed it as HTML would open a dialog or lose it. */
export const HOSTILE = 'Acme <script>alert(1)</script> "><img src=x onerror=alert(2)>';

/**
 * Breach-notice contacts with recognisable synthetic values: a test that finds any of these strings
 * in a page's text knows that page showed a personal field.
 */
export const CONTACT_VALUES = [
  'Persona Zeventien',
  'persona.zeventien@example.invalid',
  '+31612121717',
  '+31 6 1212 1717',
  'Persona Achttien',
  'persona.achttien@example.invalid',
  '+31613131818',
  'privacy.persona@example.invalid',
];

export const ACME_CONTACTS = {
  controller: {
    legalName: 'Acme Test BV',
    address: 'Teststraat 1, 1234 AB Teststad',
    kvk: '12345678',
    privacyContact: {
      name: 'Privacy Persona',
      email: 'privacy.persona@example.invalid',
      phone: '+31 20 765 4321',
    },
  },
  contacts: [
    {
      name: 'Persona Zeventien',
      role: 'IT manager',
      email: 'persona.zeventien@example.invalid',
      phone: '+31 6 1212 1717',
      language: 'en',
      order: 1,
    },
    {
      name: 'Persona Achttien',
      role: 'Director',
      email: 'persona.achttien@example.invalid',
      phone: '+31 6 1313 1818',
      language: 'nl',
      order: 2,
    },
  ],
};

export const OPERATOR: Actor = { actor: 'alice', role: 'admin', address: '127.0.0.1' };

/** An incident whose breach was confirmed `hoursAgo` ago (24 h promised): its notice clock runs. */
export async function confirmedIncident(t: TestApp, title: string, hoursAgo: number): Promise<string> {
  const now = t.clock.now();
  const at = now - hoursAgo * 3_600_000;
  const { id } = await t.app.incidents.report({ title, tenants: ['acme'], detectedAt: at }, OPERATOR);
  await t.app.incidents.advance(id, 'triage', { reason: 'looking' }, OPERATOR);
  await t.app.incidents.advance(
    id,
    'breach-confirmed',
    { reason: 'confirmed', awareAt: at, ...(hoursAgo >= 24 ? { delayReason: 'test: late' } : {}) },
    OPERATOR,
  );
  return id;
}

/** Waits for the page's message after an action; a refusal fails with the server's own words. */
export async function expectNotice(page: Page, text: RegExp): Promise<void> {
  const messages = page.locator('.messages .notice');
  try {
    await messages.filter({ hasText: text }).first().waitFor({ timeout: 10_000 });
  } catch {
    assert.fail(`expected a notice ${text}, saw: ${(await messages.allTextContents()).join(' | ')}`);
  }
}
