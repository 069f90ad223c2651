import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import type { KoppelConfig } from '../config/config-schema.js';
import { ConfigError } from '../errors.js';
import { localWrapper, type MasterKeys } from './key-wrapper.js';

export interface MasterKey {
  /** A short fingerprint that names the key without revealing it (first 8 bytes of its SHA-256). */
  id: string;
  key: Buffer;
}

/**
 * The current master key (usable wherever a MasterKey is) together with the earlier keys still
 * configured, so `new KeyRing(db, outcome.masterKey, …)` can unwrap keys of either.
 */
export type LoadedMasterKey = MasterKey & MasterKeys;

export interface MasterKeyOutcome {
  masterKey: LoadedMasterKey;
  /** Where it came from, for the start-up message: a file path or an environment variable name. */
  source: string;
  /** True when this start created the key file. */
  created: boolean;
}

export function masterKeyFrom(key: Buffer): MasterKey {
  return { id: createHash('sha256').update(key).digest('hex').slice(0, 16), key };
}

/** Accepts 32 bytes as base64 (44 chars) or hex (64 chars). */
export function parseMasterKey(text: string, where: string): MasterKey {
  const trimmed = text.trim();
  const key = /^[0-9a-f]{64}$/i.test(trimmed) ? Buffer.from(trimmed, 'hex') : Buffer.from(trimmed, 'base64');
  if (key.length !== 32) {
    throw new ConfigError([`${where}: must hold a 256-bit key as 64 hex characters or 44 base64 characters`]);
  }
  return masterKeyFrom(key);
}

/** A new random key in the form the key file and KOPPEL_MASTER_KEY take. */
export function generateMasterKeyText(): string {
  return randomBytes(32).toString('base64');
}

export function masterKeyPath(config: KoppelConfig): string {
  const path = config.masterKey.source === 'file' ? config.masterKey.path : undefined;
  return resolve(config.dataDir, path ?? 'master.key');
}

/** Old key files that `koppel keys rotate --generate` set aside next to the key file. */
export function retiredKeyFiles(keyPath: string): string[] {
  const dir = dirname(keyPath);
  if (!existsSync(dir)) return [];
  const prefix = `${basename(keyPath)}.retired-`;
  return readdirSync(dir)
    .filter((f) => f.startsWith(prefix))
    .sort()
    .map((f) => join(dir, f));
}

export const DEFAULT_PREVIOUS_VARIABLE = 'KOPPEL_MASTER_KEY_PREVIOUS';

export interface LoadOptions {
  /** Create the key file when it is missing (a first start); false for read-only checks. */
  create?: boolean;
  /** Load key files that others can read; only for doctor, which reports them instead. */
  allowLooseModes?: boolean;
}

/** The local master keys (file or environment); Azure Key Vault needs the async openMasterKeys. */
export function loadMasterKey(
  config: KoppelConfig,
  env: NodeJS.ProcessEnv,
  options: LoadOptions = {},
): MasterKeyOutcome {
  const source = config.masterKey;
  if (source.source === 'azure-key-vault') {
    throw new ConfigError([
      'masterKey: source azure-key-vault is opened with openMasterKeys() (src/keys/open-master-keys.ts)',
    ]);
  }
  if (source.source === 'env') {
    const value = env[source.variable];
    if (!value) throw new ConfigError([`masterKey: environment variable ${source.variable} is not set`]);
    const current = parseMasterKey(value, `environment variable ${source.variable}`);
    const previousVariable = source.previousVariable ?? DEFAULT_PREVIOUS_VARIABLE;
    const previous = (env[previousVariable] ?? '')
      .split(',')
      .filter((text) => text.trim())
      .map((text, i) => parseMasterKey(text, `environment variable ${previousVariable} (key ${i + 1})`));
    return { masterKey: withPrevious(current, previous), source: `$${source.variable}`, created: false };
  }
  return loadKeyFiles(config, options.create ?? true, options.allowLooseModes ?? false);
}

function loadKeyFiles(config: KoppelConfig, create: boolean, allowLoose: boolean): MasterKeyOutcome {
  const path = masterKeyPath(config);
  let created = false;
  if (!existsSync(path)) {
    if (!create) throw new ConfigError([`masterKey: master key file missing: ${path} does not exist`]);
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    // 'wx' refuses to overwrite a key another process created a moment ago; losing a key loses the data.
    writeFileSync(path, `${generateMasterKeyText()}\n`, { mode: 0o600, flag: 'wx' });
    created = true;
  }
  if (!allowLoose) refuseLooseMode(path);
  const current = parseMasterKey(readFileSync(path, 'utf8'), path);
  const previousFiles = [
    ...((config.masterKey.source === 'file' && config.masterKey.previous) || []).map((p) =>
      resolve(config.dataDir, p),
    ),
    ...retiredKeyFiles(path),
  ];
  if (!allowLoose) previousFiles.forEach(refuseLooseMode);
  const previous = previousFiles.map((p) => parseMasterKey(readFileSync(p, 'utf8'), p));
  const masterKey = withPrevious(current, previous, () => loadKeyFiles(config, false, allowLoose).masterKey);
  return { masterKey, source: path, created };
}

function withPrevious(current: MasterKey, previous: MasterKey[], reload?: () => MasterKeys): LoadedMasterKey {
  const others = previous.filter((k) => k.id !== current.id);
  return { ...current, current: localWrapper(current), previous: others.map(localWrapper), reload };
}

/**
 * Whoever can read a key file can decrypt every tenant key it wraps, so a key file open to group or
 * others stops koppel until it is fixed (doctor reports it instead of stopping).
 */
function refuseLooseMode(path: string): void {
  const loose = looseKeyFileBits(path);
  if (loose === 0) return;
  const mode = (statSync(path).mode & 0o777).toString(8).padStart(4, '0');
  throw new ConfigError([
    `masterKey: the key file ${path} has mode ${mode}: other users can read it and decrypt every tenant key; run chmod 600 ${path}`,
  ]);
}

/** Permission bits other than the owner's; anything non-zero on a key file is a finding for `doctor`. */
export function looseKeyFileBits(path: string): number {
  return statSync(path).mode & 0o077;
}

/**
 * A key anyone could guess: all bytes alike (the all-zero key, test keys such as 0x07…) or so few
 * distinct bytes that it cannot have come from a random generator (32 random bytes have ~30).
 */
export function isWeakMasterKey(key: Buffer): boolean {
  return new Set(key).size < 12;
}
