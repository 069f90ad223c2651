export type { BatchItem, BatchOperation, BatchOutcome } from './batch.js';
export type { ChangePage, ContactRow } from './contact-reader.js';
export type { WriteMode, WriteOptions } from './contact-writer.js';
export { DynamicsClient, type DynamicsClientOptions } from './dynamics-client.js';
export { ChangeTrackingExpiredError } from './dynamics-errors.js';
export { type DynamicsConnectionOptions, MAX_CONCURRENCY_LIMIT } from './dynamics-options.js';
export { DynamicsPort } from './dynamics-port.js';
export { OrgThrottle, OrgThrottleRegistry } from './org-throttle.js';
export type { TokenProvider } from './token-provider.js';
