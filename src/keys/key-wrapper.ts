import { KoppelError } from '../errors.js';
import { open, seal } from './envelope.js';
import type { MasterKey } from './master-key.js';

export interface WrappedKey {
  wrapped: Buffer;
  /** Recorded in tenant_keys.master_key_id, so the reader knows which master key to ask. */
  masterKeyId: string;
}

/**
 * What wraps and unwraps tenant data keys: a local master key (AES-256-GCM) or a key in Azure Key
 * Vault. `context` names the row (tenant and version); a local key binds the wrapped key to it.
 */
export interface KeyWrapper {
  /** The master key id of keys this wraps now (a Key Vault key id may be unversioned). */
  readonly id: string;
  readonly kind: 'local' | 'azure-key-vault';
  /** True when this can unwrap a key recorded under `masterKeyId`. */
  handles(masterKeyId: string): boolean;
  wrap(dataKey: Buffer, context: string): Promise<WrappedKey>;
  unwrap(wrapped: Uint8Array, context: string, masterKeyId: string): Promise<Buffer>;
}

/** The current master key, which wraps, and earlier ones that may still be needed to unwrap. */
export interface MasterKeys {
  current: KeyWrapper;
  previous: readonly KeyWrapper[];
  /**
   * Reads the keys again, for a running process that meets a row wrapped by a key it does not know
   * (another process rotated the key file). Absent when the source cannot change under us (env).
   */
  reload?: () => MasterKeys;
}

/**
 * A tenant key is wrapped by a master key this process does not have. Not a PermanentError: the
 * message is fine, the process is not, so the queue must not dead-letter anything because of it.
 */
export class MasterKeyUnavailableError extends KoppelError {}

const RESTART_HINT =
  'restart koppel with the new master key (and the old one as a previous key until `koppel keys rotate` has finished)';

export function missingMasterKey(tenantId: string, masterKeyId: string): MasterKeyUnavailableError {
  return new MasterKeyUnavailableError(
    `the data key of tenant ${tenantId} is wrapped by master key ${masterKeyId}, which this process does not have: ${RESTART_HINT}`,
  );
}

export function retiredMasterKey(masterKeyId: string): MasterKeyUnavailableError {
  return new MasterKeyUnavailableError(
    `master key ${masterKeyId} was retired by \`koppel keys rotate\` and must not wrap new keys: ${RESTART_HINT}`,
  );
}

export function localWrapper(master: MasterKey): KeyWrapper {
  return {
    id: master.id,
    kind: 'local',
    handles: (masterKeyId) => masterKeyId === master.id,
    wrap: async (dataKey, context) => ({
      wrapped: seal(master.key, dataKey, context),
      masterKeyId: master.id,
    }),
    unwrap: async (wrapped, context) => open(master.key, wrapped, context),
  };
}

export function findWrapper(keys: MasterKeys, masterKeyId: string): KeyWrapper | undefined {
  return [keys.current, ...keys.previous].find((w) => w.handles(masterKeyId));
}

/** Accepts either a bare master key (the original constructor argument) or a full set. */
export function toMasterKeys(master: MasterKey | MasterKeys): MasterKeys {
  return 'current' in master ? master : { current: localWrapper(master), previous: [] };
}
