import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Column } from './contact-schema.js';
import { type DataverseEmulator, startDataverseEmulator } from './emulator.js';

export interface DataverseEmulatorCliOptions {
  port?: number;
  host?: string;
  clientId?: string;
  clientSecret?: string;
  /** Synthetic contacts to create at start. */
  seed?: number;
  randomSeed?: number;
  /** Custom contact columns, e.g. `{ new_klantnummer: { type: 'string', maxLength: 20 } }`. */
  customColumns?: Readonly<Record<string, Column>>;
  /** Where to write the CA certificate PEM; default a file in the OS temp directory. */
  caPath?: string;
  print?: (line: string) => void;
}

/**
 * For `koppel emulate dataverse`: starts a standalone emulator, writes its certificate so a koppel
 * instance (or curl --cacert) can trust it, and prints what a configuration needs. The caller keeps the
 * process alive and calls close() on shutdown.
 */
export async function runDataverseEmulatorCli(
  options: DataverseEmulatorCliOptions = {},
): Promise<DataverseEmulator> {
  const emulator = await startDataverseEmulator({
    port: options.port ?? 0,
    host: options.host ?? '127.0.0.1',
    clientId: options.clientId,
    clientSecret: options.clientSecret,
    seedContacts: options.seed ?? 0,
    randomSeed: options.randomSeed,
    customColumns: options.customColumns,
  });
  const caPath =
    options.caPath ?? join(tmpdir(), `koppel-dataverse-emulator-${new URL(emulator.baseUrl).port}.pem`);
  await writeFile(caPath, emulator.caCertificate, { mode: 0o644 });
  const print = options.print ?? ((line: string) => console.log(line));
  print('Dataverse emulator running');
  print(`  base URL:       ${emulator.baseUrl}`);
  print(`  authority:      ${emulator.authority}`);
  print(`  token URL:      ${emulator.tokenUrl}`);
  print(`  scope:          ${new URL(emulator.baseUrl).origin}/.default`);
  print(`  client id:      ${emulator.clientId}`);
  print(`  client secret:  ${emulator.clientSecret}`);
  print(`  CA certificate: ${caPath}`);
  print(
    `  admin:          ${new URL(emulator.baseUrl).origin}/_emulator/ (header x-emulator-key: <client secret>)`,
  );
  return emulator;
}
