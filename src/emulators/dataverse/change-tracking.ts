import { faults } from './dataverse-errors.js';
import type { DataverseStore, Row, Tombstone } from './store.js';

/**
 * Delta tokens look like Dataverse's: `<row version>!<MM/dd/yyyy HH:mm:ss>` (UTC). The version says
 * which changes the client has seen; the timestamp says when the token was issued, so it can expire
 * after the organisation's ExpireChangeTrackingInDays (here: a configurable lifetime).
 */
export interface DeltaToken {
  version: number;
  issuedAt: number;
}

export function formatDeltaToken(version: number, issuedAt: number): string {
  const d = new Date(issuedAt);
  const two = (n: number) => String(n).padStart(2, '0');
  const date = `${two(d.getUTCMonth() + 1)}/${two(d.getUTCDate())}/${d.getUTCFullYear()}`;
  return `${version}!${date} ${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())}`;
}

export function parseDeltaToken(token: string): DeltaToken {
  const match = /^(\d+)!(\d{2})\/(\d{2})\/(\d{4}) (\d{2}):(\d{2}):(\d{2})$/.exec(token);
  if (!match) throw faults.querySyntax();
  const [, version, month, day, year, hours, minutes, seconds] = match.map(Number) as number[];
  return {
    version: version!,
    issuedAt: Date.UTC(year!, month! - 1, day!, hours!, minutes!, seconds!),
  };
}

export function assertNotExpired(token: DeltaToken, now: number, lifetimeMs: number): void {
  if (now - token.issuedAt > lifetimeMs) throw faults.expiredVersionStamp();
}

export type DeltaEntry = { kind: 'upsert'; row: Row } | { kind: 'delete'; tombstone: Tombstone };

/**
 * The changes after `since` up to `until`: upserted rows by version, then deletes, as Dataverse orders
 * them. A row created and deleted in between still comes back as a delete. `afterVersion` and
 * `inDeletes` continue a paged delta from where the previous page stopped.
 */
export function changesBetween(
  store: DataverseStore,
  since: number,
  until: number,
  cursor: { inDeletes: boolean; afterVersion: number },
): DeltaEntry[] {
  const entries: DeltaEntry[] = [];
  if (!cursor.inDeletes) {
    const rows = [...store.contacts.values()]
      .filter((r) => inRange(Number(r.versionnumber), Math.max(since, cursor.afterVersion), until))
      .sort((a, b) => Number(a.versionnumber) - Number(b.versionnumber));
    for (const row of rows) entries.push({ kind: 'upsert', row });
  }
  const deleteFloor = cursor.inDeletes ? Math.max(since, cursor.afterVersion) : since;
  for (const tombstone of store.tombstones) {
    if (inRange(tombstone.version, deleteFloor, until) && !store.contacts.has(tombstone.id)) {
      entries.push({ kind: 'delete', tombstone });
    }
  }
  return entries;
}

function inRange(version: number, after: number, upTo: number): boolean {
  return version > after && version <= upTo;
}
