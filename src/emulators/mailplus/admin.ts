import type { Random } from '../../clock.js';
import type { Fault, FaultInjector, FaultRates } from '../shared/faults.js';
import type { ContactStore, ContactWrite } from './contact-store.js';
import type { EmulatedInteractionType, InteractionLog } from './interaction-log.js';
import type { RecordedRequest, RequestCounts, RequestRecorder } from './request-recorder.js';
import { syntheticContacts } from './synthetic-contacts.js';
import { toWireContact, type WireContact } from './wire-contact.js';

/**
 * Test and demo controls: what a person (unsubscribe link, subscribe form) or a marketer (editing in the
 * Mail+ UI) would do, plus seeding, faults and request counts. None of it is reachable through the
 * Mail+ API itself; over HTTP it sits behind /_emulator with the consumer secret.
 */
export interface MailplusEmulatorAdmin {
  /** Adds `count` synthetic contacts and returns their externalIds. */
  seed(count: number): string[];
  contacts(): WireContact[];
  contact(externalId: string): WireContact | undefined;
  /** A marketer edits fields in the UI; the same validation and opt-out rules as the API apply. */
  edit(externalId: string, properties: Record<string, unknown>): void;
  /** The person unsubscribes from one permission. */
  unsubscribe(externalId: string, bit: number): void;
  /** The person uses a global unsubscribe package. */
  optOut(externalId: string): void;
  /** The person subscribes again through a form, which is the only way back from a global opt-out. */
  resubscribe(externalId: string, bits: readonly number[]): void;
  /**
   * A mailing goes out: it is created and a `sent` interaction is recorded for each recipient (default
   * every contact). Returns its encryptedMailingId.
   */
  sendMailing(options: {
    name: string;
    subject: string;
    to?: readonly string[];
    links?: readonly string[];
  }): string;
  /** A recipient opens or clicks, or the mailing bounces for them; `date` defaults to now. */
  interact(
    type: Exclude<EmulatedInteractionType, 'sent'>,
    mailingId: string,
    externalId: string,
    extra?: { date?: number; bounceType?: 'HARD' | 'SOFT' },
  ): void;
  /**
   * A mailing with its opens, clicks and bounces drawn from the seeded random stream (the demo, the
   * benchmark): each recipient opens with `openRate`, an opener clicks with `clickRate`, and a
   * recipient bounces (instead of opening) with `bounceRate`, a fifth of them hard.
   */
  simulateMailing(options: {
    name: string;
    subject: string;
    to?: readonly string[];
    openRate?: number;
    clickRate?: number;
    bounceRate?: number;
  }): { mailingId: string; counts: Record<EmulatedInteractionType, number> };
  /** How many items each interaction feed holds. */
  interactionCounts(): Record<EmulatedInteractionType, number>;
  setFaults(rates: FaultRates): void;
  /** Faults for the next requests, in order, before any random draw. */
  injectFaults(...faults: Fault[]): void;
  requestCounts(): RequestCounts;
  requestLog(): RecordedRequest[];
  resetRequests(): void;
}

export interface AdminParts {
  store: ContactStore;
  interactions: InteractionLog;
  faults: FaultInjector;
  recorder: RequestRecorder;
  random: Random;
  seed: number;
}

export function createAdmin(parts: AdminParts): MailplusEmulatorAdmin {
  const { store, recorder } = parts;
  const next = syntheticContacts(parts.seed, parts.random);
  let seeded = 0;
  const wire = (id: string) => {
    const contact = store.get(id);
    return contact ? toWireContact(contact, store.properties) : undefined;
  };
  const must = (ok: boolean, externalId: string) => {
    if (!ok) throw new Error(`No contact with externalId ${externalId}`);
  };
  return {
    seed(count) {
      return Array.from({ length: count }, () => create(store, next(seeded++)));
    },
    contacts: () => store.all().map((c) => wire(c.externalId)!),
    contact: wire,
    edit(externalId, properties) {
      const result = store.write(
        { externalId, properties },
        { allowCreate: false, allowUpdate: true, purge: false },
      );
      if (result.code !== 'OK')
        throw new Error(`Edit of ${externalId} refused: ${result.code} ${result.message}`);
    },
    unsubscribe: (externalId, bit) => must(store.setPermission(externalId, bit, false), externalId),
    optOut: (externalId) => must(store.optOut(externalId), externalId),
    resubscribe: (externalId, bits) => must(store.resubscribe(externalId, bits), externalId),
    sendMailing({ name, subject, to, links }) {
      const mailing = parts.interactions.addMailing(name, subject, links);
      for (const id of to ?? store.all().map((c) => c.externalId))
        parts.interactions.record('sent', mailing.encryptedId, id);
      return mailing.encryptedId;
    },
    interact: (type, mailingId, externalId, extra) =>
      void parts.interactions.record(type, mailingId, externalId, extra),
    simulateMailing(options) {
      const to = options.to ?? store.all().map((c) => c.externalId);
      const counts = { sent: 0, opened: 0, clicked: 0, bounced: 0 };
      const mailing = parts.interactions.addMailing(options.name, options.subject, [
        'https://example.invalid/offer',
      ]);
      const draw = parts.interactions.random;
      for (const id of to) {
        parts.interactions.record('sent', mailing.encryptedId, id);
        counts.sent++;
        if (draw.float() < (options.bounceRate ?? 0.02)) {
          const bounceType = draw.float() < 0.2 ? 'HARD' : 'SOFT';
          parts.interactions.record('bounced', mailing.encryptedId, id, { bounceType });
          counts.bounced++;
          continue;
        }
        if (draw.float() >= (options.openRate ?? 0.4)) continue;
        parts.interactions.record('opened', mailing.encryptedId, id);
        counts.opened++;
        if (draw.float() < (options.clickRate ?? 0.3)) {
          parts.interactions.record('clicked', mailing.encryptedId, id);
          counts.clicked++;
        }
      }
      return { mailingId: mailing.encryptedId, counts };
    },
    interactionCounts: () => ({
      sent: parts.interactions.count('sent'),
      opened: parts.interactions.count('opened'),
      clicked: parts.interactions.count('clicked'),
      bounced: parts.interactions.count('bounced'),
    }),
    setFaults: (rates) => parts.faults.setRates(rates),
    injectFaults: (...faults) => parts.faults.inject(...faults),
    requestCounts: () => recorder.counts(),
    requestLog: () => recorder.log(),
    resetRequests: () => recorder.reset(),
  };
}

function create(store: ContactStore, contact: ContactWrite): string {
  const result = store.write(contact, { allowCreate: true, allowUpdate: false, purge: false });
  if (result.code !== 'OK') throw new Error(`Seeding ${contact.externalId} failed: ${result.code}`);
  return contact.externalId;
}
