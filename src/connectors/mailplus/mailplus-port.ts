import type {
  MarketingContact,
  MarketingFeedPass,
  MarketingInteractionPass,
  MarketingMailing,
  MarketingPort,
  MarketingWrite,
  MarketingWriteOutcome,
} from '../../sync/ports/index.js';
import type { ChangeFeedCheckpoint, ChangeFeedPass } from './mailplus-change-feed.js';
import { MailplusChangeFeed } from './mailplus-change-feed.js';
import type { MailplusClient } from './mailplus-client.js';
import { isGloballyOptedOut, type MailplusConnector, permissionsOf } from './mailplus-connector.js';
import { MailplusInteractionFeed } from './mailplus-interaction-feed.js';
import type { MailplusContact } from './mailplus-types.js';
import type { WindowCheckpoint } from './windowed-feed.js';

/** The marketing port on the Mail+ REST API: bulk writes, the windowed updates feed, anonymization. */
export class MailplusPort implements MarketingPort {
  readonly #interactions: MailplusInteractionFeed;

  constructor(
    private readonly connector: MailplusConnector,
    private readonly client: MailplusClient,
    /** The interaction feeds' reader; default one with the contact feed's defaults. */
    interactions?: MailplusInteractionFeed,
  ) {
    this.#interactions = interactions ?? new MailplusInteractionFeed(client);
  }

  interactionsStart(fromMs: number): string {
    return JSON.stringify(MailplusInteractionFeed.startingAt(fromMs));
  }

  readInteractions(position: string): MarketingInteractionPass {
    return this.#interactions.read(JSON.parse(position) as WindowCheckpoint);
  }

  async mailing(mailingId: string): Promise<MarketingMailing | null> {
    const details = await this.client.mailing(mailingId);
    return (
      details && { id: details.encryptedId, name: details.name, subject: details.message?.subject ?? null }
    );
  }

  async serviceTime(now: number): Promise<number | undefined> {
    const serviceTime = await this.connector.serviceTime(now);
    this.#interactions.observeServiceTime(serviceTime);
    return serviceTime;
  }

  feedStart(fromMs: number): string {
    return JSON.stringify(MailplusChangeFeed.startingAt(fromMs));
  }

  readChanges(position: string): MarketingFeedPass {
    return new FeedPass(this.connector.readChanges(JSON.parse(position) as ChangeFeedCheckpoint));
  }

  async *allContacts(now: number): AsyncIterable<MarketingContact[]> {
    for await (const page of this.connector.allContacts(now)) yield page.map(contactOf);
  }

  async contact(externalId: string): Promise<MarketingContact | null> {
    const contact = await this.connector.contact(externalId);
    return contact && contactOf(contact);
  }

  async upsertBatch(
    writes: readonly MarketingWrite[],
    options: { update?: boolean } = {},
  ): Promise<MarketingWriteOutcome[]> {
    const outcomes = await this.connector.upsertBatch(writes, options);
    return outcomes.map((o) =>
      o.status === 'failed' && o.code === 'CONTACT_ALREADY_EXISTS'
        ? { externalId: o.externalId, status: 'exists' }
        : o,
    );
  }

  anonymize(externalId: string): Promise<'anonymized' | 'not-found'> {
    return this.connector.anonymize(externalId);
  }

  close(): Promise<void> {
    return this.client.close();
  }
}

/** A feed pass whose position is the stored form of the Mail+ checkpoint (JSON, as before ports). */
class FeedPass implements MarketingFeedPass {
  constructor(private readonly pass: ChangeFeedPass) {}

  get position(): string {
    return JSON.stringify(this.pass.checkpoint);
  }

  async *[Symbol.asyncIterator](): AsyncIterator<MarketingContact> {
    for await (const contact of this.pass) yield contactOf(contact);
  }
}

function contactOf(contact: MailplusContact): MarketingContact {
  return {
    externalId: contact.externalId,
    properties: contact.properties,
    consent: { optedOut: isGloballyOptedOut(contact), permissions: permissionsOf(contact) },
  };
}
