import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, fsyncSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import type { KoppelConfig } from '../config/config-schema.js';
import { ConfigError } from '../errors.js';
import { generateMasterKeyText, masterKeyPath, parseMasterKey } from './master-key.js';

export interface KeyFileRotation {
  path: string;
  oldId: string;
  newId: string;
  /** Where the old key now lives, until no backup needs it. */
  retiredPath: string;
}

function writeKeyFile(path: string, text: string): void {
  // 'wx' with mode 0600: never overwrite a key, never let a key be readable by others, not even briefly.
  const fd = openSync(path, 'wx', 0o600);
  try {
    writeSync(fd, `${text}\n`);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/**
 * Puts a new master key in the key file and keeps the old one beside it as <path>.retired-<id>,
 * which koppel reads as a previous key. The key file exists at every moment (the new key replaces
 * it by an atomic rename), so a koppel starting meanwhile never generates a key of its own.
 */
export function rotateKeyFile(config: KoppelConfig): KeyFileRotation {
  if (config.masterKey.source !== 'file') {
    throw new ConfigError([
      `masterKey: --generate works with a key file; with source ${config.masterKey.source} put the new key in place yourself (koppel keys generate prints one)`,
    ]);
  }
  const path = masterKeyPath(config);
  if (!existsSync(path)) throw new ConfigError([`masterKey: the key file ${path} does not exist`]);
  const oldText = readFileSync(path, 'utf8').trim();
  const old = parseMasterKey(oldText, path);
  const retiredPath = `${path}.retired-${old.id}`;
  if (!existsSync(retiredPath)) writeKeyFile(retiredPath, oldText);
  const newText = generateMasterKeyText();
  const next = `${path}.next-${randomBytes(4).toString('hex')}`;
  writeKeyFile(next, newText);
  renameSync(next, path);
  return { path, oldId: old.id, newId: parseMasterKey(newText, path).id, retiredPath };
}
