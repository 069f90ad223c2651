import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type MailplusEmulator, startMailplusEmulator } from './mailplus-emulator.js';

export type { AccountProperty } from './account-properties.js';
export { DEFAULT_ACCOUNT_PROPERTIES } from './account-properties.js';
export type { MailplusEmulatorAdmin } from './admin.js';
export type { MailplusEmulator, MailplusEmulatorOptions } from './mailplus-emulator.js';
export { startMailplusEmulator } from './mailplus-emulator.js';
export type { RecordedRequest, RequestCounts } from './request-recorder.js';
export type { WireContact } from './wire-contact.js';

const DEFAULT_UPDATES_LAG_MS = 2000;

export interface MailplusEmulatorCliOptions {
  port?: number;
  host?: string;
  key?: string;
  secret?: string;
  /** Synthetic contacts to create at start. */
  seed?: number;
  randomSeed?: number;
  /** Where to write the CA certificate; default a file in the OS temp directory. */
  caFile?: string;
  /** Plain http on loopback, for benchmarks. */
  insecure?: boolean;
  /** How long a change takes to show in the updates feed; default 2000 ms. */
  updatesLagMs?: number;
  print?: (line: string) => void;
}

/**
 * `koppel emulate mailplus`: starts a standalone emulator and prints what a client needs to reach it.
 * The credentials printed are the emulator's own, not real ones; stop it with `close()` (or Ctrl-C).
 */
export async function runMailplusEmulatorCli(
  options: MailplusEmulatorCliOptions = {},
): Promise<MailplusEmulator> {
  const print = options.print ?? ((line: string) => console.log(line));
  const emulator = await startMailplusEmulator({
    port: options.port ?? 0,
    host: options.host,
    tls: !options.insecure,
    consumerKey: options.key,
    consumerSecret: options.secret,
    seedContacts: options.seed ?? 0,
    randomSeed: options.randomSeed,
    updatesLagMs: options.updatesLagMs ?? DEFAULT_UPDATES_LAG_MS,
  });
  let caFile: string | undefined;
  if (emulator.caCertificate) {
    caFile =
      options.caFile ?? join(tmpdir(), `koppel-mailplus-emulator-${new URL(emulator.baseUrl).port}.pem`);
    await writeFile(caFile, emulator.caCertificate, { mode: 0o644 });
  }
  print(`Mail+ emulator listening on ${emulator.baseUrl}`);
  print('  API base path:   /integrationservice-1.1.0 (and /integrationservice)');
  print(`  consumer key:    ${emulator.consumerKey}`);
  print(`  consumer secret: ${emulator.consumerSecret}`);
  print(caFile ? `  CA certificate:  ${caFile}` : '  TLS:             off (plain http on loopback)');
  print(`  admin endpoint:  ${emulator.baseUrl}/_emulator (Authorization: Bearer <consumer secret>)`);
  print(`  seeded contacts: ${options.seed ?? 0}`);
  // Said at start, so whoever tests a client knows why a fresh write is not in the feed yet.
  print(
    `  updates lag:     ${options.updatesLagMs ?? DEFAULT_UPDATES_LAG_MS} ms (a change shows in contact/updates/list this long after it is made; --updates-lag-ms)`,
  );
  return emulator;
}
