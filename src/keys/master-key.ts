import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { KoppelConfig } from '../config/config-schema.js';
import { ConfigError } from '../errors.js';

export interface MasterKey {
  /** A short fingerprint that names the key without revealing it (first 8 bytes of its SHA-256). */
  id: string;
  key: Buffer;
}

export interface MasterKeyOutcome {
  masterKey: MasterKey;
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

export function loadMasterKey(config: KoppelConfig, env: NodeJS.ProcessEnv): MasterKeyOutcome {
  if (config.masterKey.source === 'env') {
    const variable = config.masterKey.variable;
    const value = env[variable];
    if (!value) throw new ConfigError([`masterKey: environment variable ${variable} is not set`]);
    return {
      masterKey: parseMasterKey(value, `environment variable ${variable}`),
      source: `$${variable}`,
      created: false,
    };
  }
  const path = resolve(config.dataDir, config.masterKey.path ?? 'master.key');
  if (existsSync(path)) {
    return { masterKey: parseMasterKey(readFileSync(path, 'utf8'), path), source: path, created: false };
  }
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const key = randomBytes(32);
  // 'wx' refuses to overwrite a key another process created a moment ago; losing a key loses the data.
  writeFileSync(path, `${key.toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
  return { masterKey: masterKeyFrom(key), source: path, created: true };
}

/** Permission bits other than the owner's; anything non-zero on a key file is a finding for `doctor`. */
export function looseKeyFileBits(path: string): number {
  return statSync(path).mode & 0o077;
}
