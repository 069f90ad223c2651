import { type Clock, systemClock } from '../../../src/clock.js';
import {
  MailplusClient,
  type MailplusClientOptions,
} from '../../../src/connectors/mailplus/mailplus-client.js';
import {
  type MailplusEmulator,
  type MailplusEmulatorOptions,
  startMailplusEmulator,
} from '../../../src/emulators/mailplus/index.js';

/** An emulator and a client that trusts its certificate, sharing one clock. Only synthetic data. */
export interface Pair {
  emulator: MailplusEmulator;
  client: MailplusClient;
  /** Sleeps the client asked for (retry backoff, Retry-After), in order. */
  sleeps: number[];
  close(): Promise<void>;
}

export async function startPair(
  options: {
    emulator?: MailplusEmulatorOptions;
    client?: Partial<MailplusClientOptions>;
    clock?: Clock;
  } = {},
): Promise<Pair> {
  const emulator = await startMailplusEmulator({ randomSeed: 7, clock: options.clock, ...options.emulator });
  const sleeps: number[] = [];
  const time = options.clock ?? systemClock;
  // Record the waits instead of sleeping them, unless a test brings its own clock.
  const recording = {
    now: () => time.now(),
    sleep: async (ms: number) => {
      sleeps.push(ms);
    },
  };
  const client = new MailplusClient({
    baseUrl: emulator.baseUrl,
    consumerKey: emulator.consumerKey,
    consumerSecret: emulator.consumerSecret,
    caCertificate: emulator.caCertificate,
    clock: recording,
    ...options.client,
  });
  return {
    emulator,
    client,
    sleeps,
    async close() {
      await client.close();
      await emulator.close();
    },
  };
}

export function person(externalId: string, extra: Record<string, unknown> = {}) {
  return {
    externalId,
    properties: { email: `${externalId}@example.com`, firstName: 'Test', lastName: 'Persoon', ...extra },
  };
}
