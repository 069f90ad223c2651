import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Clock } from '../../clock.js';
import type { KoppelConfig } from '../../config/config-schema.js';
import { SecurityEventLog } from '../../queue/security-event-log.js';
import { openStore, type Store } from '../../store/open-store.js';

/**
 * Records `keys.access-failed` when the master key cannot be opened at start. Without it there is no
 * store key, but the security_events table needs none, so the event is stored for the signal watcher
 * of a koppel that does start (or of the next start with the key back). Only into a store that exists
 * and is migrated: a first start without a key file is not an incident, and must not create a
 * database, nor write into an empty file that the key-file guard refused. Never throws: the caller rethrows the key's own error.
 */
export async function recordMasterKeyFailure(
  config: KoppelConfig,
  clock: Clock,
  error: unknown,
): Promise<void> {
  if (
    config.store.driver === 'sqlite' &&
    !hasDatabase(resolve(config.dataDir, config.store.path ?? 'koppel.db'))
  )
    return;
  let store: Store | undefined;
  try {
    store = openStore(config.store, config.dataDir);
    const source = config.masterKey.source;
    await new SecurityEventLog(store.db, clock).record({
      kind: 'keys.access-failed',
      tenantId: null,
      subject: 'master-key',
      detail: {
        what: `the master key (${source})`,
        masterKeyId: null,
        error: error instanceof Error ? error.name : 'Error',
      },
    });
  } catch {
    // No store, or one not migrated yet: nothing to record into.
  } finally {
    await store?.close().catch(() => undefined);
  }
}

/** An empty file is no store either: opening it would write SQLite's header into it. */
function hasDatabase(path: string): boolean {
  try {
    return statSync(path).size > 0;
  } catch {
    return false;
  }
}
