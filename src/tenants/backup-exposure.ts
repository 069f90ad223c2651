import type { Kysely } from 'kysely';
import type { BackupsConfig } from '../config/config-schema.js';
import type { Database } from '../store/schema.js';

const DAY_MS = 86_400_000;
/** The processing agreement: a terminated customer's data are deleted within one month. */
const PROMISE_DAYS = 30;

/** What the certificate says of copies of the store that koppel cannot delete. */
export interface BackupExposure {
  /** The copies that could hold the tenant's data: those made before the termination. */
  copies: string;
  madeBefore: string;
  retentionDays: number;
  /** Master keys (ids) that can read the tenant's keys in such a copy and still exist. */
  readableWith: string[];
  /** Master keys koppel destroyed, so copies wrapped only by them cannot be read. */
  destroyedMasterKeys: string[];
  /** Until when a copy could still be read; null when no key that can read one is left. */
  readableUntil: string | null;
  /** readableUntil is within one month of the termination (or nothing is readable). */
  withinOneMonth: boolean;
  statement: string;
}

/**
 * The master keys that wrapped the tenant's keys in a copy made before the termination: the last
 * ones that wrapped them (recorded on the destroyed key rows), and every earlier one still in use
 * after the tenant's first key was made. A copy stays readable while one of them exists and the
 * copy is kept.
 */
export async function backupExposure(
  db: Kysely<Database>,
  config: BackupsConfig,
  tenantId: string,
  terminatedAt: number,
): Promise<BackupExposure> {
  const keys = await db
    .selectFrom('tenant_keys')
    .select(['master_key_id', 'created_at'])
    .where('tenant_id', '=', tenantId)
    .execute();
  const last = [...new Set(keys.map((k) => k.master_key_id))];
  const since = Math.min(terminatedAt, ...keys.map((k) => Number(k.created_at)));
  const all = await db
    .selectFrom('master_keys')
    .select(['id', 'first_used_at', 'retired_at', 'destroyed_at'])
    .execute();
  const lastUse = Math.max(0, ...all.filter((m) => last.includes(m.id)).map((m) => Number(m.first_used_at)));
  const masters = all.filter(
    (m) =>
      last.includes(m.id) ||
      (Number(m.first_used_at) < lastUse && (m.retired_at == null || Number(m.retired_at) >= since)),
  );
  const readableWith = masters.filter((m) => m.destroyed_at == null).map((m) => m.id);
  const destroyed = masters.filter((m) => m.destroyed_at != null).map((m) => m.id);
  const until = terminatedAt + config.retentionDays * DAY_MS;
  const madeBefore = new Date(terminatedAt).toISOString();
  const readableUntil = readableWith.length === 0 ? null : new Date(until).toISOString();
  const statement =
    readableUntil === null
      ? `Copies of the store made before ${madeBefore} (${config.description}) hold this tenant's data sealed under keys that only master key(s) ${destroyed.join(', ')} could unwrap; koppel destroyed those, so the copies cannot be read. A copy of a destroyed key file kept elsewhere must be destroyed too.`
      : `Copies of the store made before ${madeBefore} (${config.description}) may still hold this tenant's data, readable with master key(s) ${readableWith.join(', ')}, until they are deleted after ${config.retentionDays} days, by ${readableUntil}.`;
  return {
    copies: config.description,
    madeBefore,
    retentionDays: config.retentionDays,
    readableWith,
    destroyedMasterKeys: destroyed,
    readableUntil,
    withinOneMonth: readableUntil === null || config.retentionDays <= PROMISE_DAYS,
    statement,
  };
}
