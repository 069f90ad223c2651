import type { Actor, MailOutbox, OutgoingMail } from '../../src/incidents/incident-model.js';
import type { Backend } from '../helpers/stores.js';
import { createTestApp, type TestApp } from '../helpers/stores.js';

/** An outbox that records what it was given, for asserting who was e-mailed what. */
export class RecordingOutbox implements MailOutbox {
  readonly mails: OutgoingMail[] = [];
  fail = false;

  async enqueue(mail: OutgoingMail): Promise<{ id: string }> {
    if (this.fail) throw new Error('outbox unavailable');
    this.mails.push(mail);
    return { id: `mail-${this.mails.length}` };
  }
}

export const DPO: Actor = { actor: 'dpo1', role: 'dpo', address: '127.0.0.1' };
export const ADMIN: Actor = { actor: 'admin1', role: 'admin', address: '127.0.0.1' };
export const CLI: Actor = { actor: 'cli:operator', role: 'cli', address: 'cli' };

export const DPO_EMAIL = 'dpo@example.invalid';

export interface RegisterFixture extends TestApp {
  outbox: RecordingOutbox;
}

/** A koppel with two tenants (acme, globex), a DPO address and a recording outbox. */
export async function registerApp(
  backend: Backend,
  overrides: Record<string, unknown> = {},
  clock?: import('../../src/clock.js').ManualClock,
): Promise<RegisterFixture> {
  const outbox = new RecordingOutbox();
  const t = await createTestApp(
    backend,
    { notifications: { dpoEmail: DPO_EMAIL, operatorEmails: ['ops@example.invalid'] }, ...overrides },
    clock ? { outbox, clock } : { outbox },
  );
  await t.app.tenants.add('acme', 'Acme Test BV');
  await t.app.tenants.add('globex', 'Globex Test BV');
  return { ...t, outbox };
}
