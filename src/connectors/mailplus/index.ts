import type { ChangeFeedOptions } from './mailplus-change-feed.js';
import { MailplusClient, type MailplusClientOptions } from './mailplus-client.js';
import { MailplusConnector } from './mailplus-connector.js';

export type { ChangeFeedCheckpoint, ChangeFeedOptions, ChangeFeedPass } from './mailplus-change-feed.js';
export { MailplusChangeFeed } from './mailplus-change-feed.js';
export type { ContactOutcome, MailplusClientOptions, WriteOptions } from './mailplus-client.js';
export { MailplusClient } from './mailplus-client.js';
export type { BatchOutcome } from './mailplus-connector.js';
export {
  isGloballyOptedOut,
  MailplusConnector,
  PERMISSIONS_PROPERTY,
  permissionChanges,
  permissionsOf,
  readSet,
} from './mailplus-connector.js';
export { MailplusOptOutError } from './mailplus-errors.js';
export type { RetryPolicy } from './mailplus-http.js';
export type { ContactInput, MailplusContact, MailplusProperty, SetEntry } from './mailplus-types.js';
export { MAX_CONTACTS_PER_BULK } from './mailplus-types.js';

export type MailplusConnectorOptions = MailplusClientOptions & { feed?: ChangeFeedOptions };

/** What the composition root needs: one client, the connector over it, and a way to let go of sockets. */
export function createMailplusConnector(options: MailplusConnectorOptions): {
  client: MailplusClient;
  connector: MailplusConnector;
  close(): Promise<void>;
} {
  const { feed, ...clientOptions } = options;
  const client = new MailplusClient(clientOptions);
  const connector = new MailplusConnector(client, { clock: clientOptions.clock, ...feed });
  return { client, connector, close: () => client.close() };
}
export type { InteractionFeedOptions } from './mailplus-interaction-feed.js';
export { MailplusInteractionFeed } from './mailplus-interaction-feed.js';
export { MailplusPort } from './mailplus-port.js';
