import { fetch as undiciFetch } from 'undici';
import { ManualClock } from '../../../src/clock.js';
import {
  DynamicsClient,
  type DynamicsClientOptions,
  OrgThrottleRegistry,
} from '../../../src/connectors/dynamics/index.js';
import type { HttpFetch } from '../../../src/connectors/http/bound-fetch.js';
import {
  type DataverseEmulator,
  type DataverseEmulatorOptions,
  startDataverseEmulator,
} from '../../../src/emulators/dataverse/index.js';

export interface Harness {
  emulator: DataverseEmulator;
  client: DynamicsClient;
  /** Every URL the client (MSAL included) sent a request to. */
  urls: string[];
  close(): Promise<void>;
}

/** A running emulator and a client pointed at it over real TLS on loopback. */
export async function startHarness(
  emulatorOptions: DataverseEmulatorOptions = {},
  clientOptions: Partial<DynamicsClientOptions> = {},
): Promise<Harness> {
  const emulator = await startDataverseEmulator({ randomSeed: 7, ...emulatorOptions });
  const urls: string[] = [];
  const watched: HttpFetch = (url, init) => {
    urls.push(url);
    return undiciFetch(url, init);
  };
  const client = DynamicsClient.create({
    baseUrl: emulator.baseUrl,
    authority: emulator.authority,
    clientId: emulator.clientId,
    clientSecret: emulator.clientSecret,
    caCertificate: emulator.caCertificate,
    throttles: new OrgThrottleRegistry(),
    fetch: watched,
    ...clientOptions,
  });
  return {
    emulator,
    client,
    urls,
    close: async () => {
      await client.close();
      await emulator.close();
    },
  };
}

export async function collect<T>(pages: AsyncIterable<T[]>): Promise<T[]> {
  const all: T[] = [];
  for await (const page of pages) all.push(...page);
  return all;
}

/** Node 20 has no iterator helpers: gather whole pages. */
export async function pagesOf<T>(pages: AsyncIterable<T>): Promise<T[]> {
  const all: T[] = [];
  for await (const page of pages) all.push(page);
  return all;
}

export { ManualClock };
