import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  type Kysely,
  type Migration,
  type MigrationProvider,
  type MigrationResult,
  Migrator,
  sql,
} from 'kysely';
import type { Store, StoreDialect } from './open-store.js';

// src/store and dist/store are both two levels below the package root, where migrations/ lives.
const MIGRATIONS_ROOT = fileURLToPath(new URL('../../migrations/', import.meta.url));

/**
 * Serves migrations/<dialect>/NNNN_name.sql to Kysely's Migrator, which records them in
 * kysely_migration and, on PostgreSQL, holds an advisory lock so two processes starting at once
 * apply each migration exactly once.
 */
class SqlFileMigrationProvider implements MigrationProvider {
  constructor(private readonly dir: string) {}

  async getMigrations(): Promise<Record<string, Migration>> {
    const files = readdirSync(this.dir)
      .filter((f) => /^\d{4}_[a-z0-9_]+\.sql$/.test(f))
      .sort();
    return Object.fromEntries(
      files.map((file) => {
        const statements = splitStatements(readFileSync(`${this.dir}/${file}`, 'utf8'));
        const up = async (db: Kysely<unknown>) => {
          for (const statement of statements) await sql.raw(statement).execute(db);
        };
        return [file.replace(/\.sql$/, ''), { up }];
      }),
    );
  }
}

/**
 * One statement per `;` at the end of a line, except inside a trigger body (`BEGIN` ... `END;` on
 * lines of their own, SQLite) or a `$$`-quoted function body (PostgreSQL), whose inner statements
 * end in `;` too.
 */
export function splitStatements(text: string): string[] {
  const statements: string[] = [];
  let current: string[] = [];
  let inBody = false;
  for (const line of text.split('\n')) {
    if (!inBody && line.trim().startsWith('--')) continue;
    current.push(line);
    const dollars = line.split('$$').length - 1;
    if (dollars % 2 === 1) inBody = !inBody;
    else if (/^\s*BEGIN\s*$/i.test(line)) inBody = true;
    else if (inBody && /^\s*END;\s*$/i.test(line)) inBody = false;
    if (!inBody && /;\s*$/.test(line)) {
      statements.push(current.join('\n').trim().replace(/;$/, ''));
      current = [];
    }
  }
  statements.push(current.join('\n').trim());
  return statements.filter(Boolean);
}

export interface MigrationOutcome {
  applied: string[];
  /** Set when a migration failed; earlier ones in the same run stay applied. */
  error?: Error;
}

export function migrationsDir(dialect: StoreDialect): string {
  return `${MIGRATIONS_ROOT}${dialect}`;
}

export async function migrate(store: Store): Promise<MigrationOutcome> {
  const migrator = new Migrator({
    db: store.db,
    provider: new SqlFileMigrationProvider(migrationsDir(store.dialect)),
    // Kysely looks for its bookkeeping tables in every schema unless told which: another koppel (or a
    // test) in a different schema of the same database would make it skip creating ours.
    migrationTableSchema: store.dialect === 'postgres' ? await currentSchema(store) : undefined,
  });
  const { error, results } = await migrateRetryingRaces(migrator);
  const applied = (results ?? [])
    .filter((r: MigrationResult) => r.status === 'Success')
    .map((r: MigrationResult) => r.migrationName);
  if (error) {
    const failed = results?.find((r: MigrationResult) => r.status === 'Error')?.migrationName;
    const why = describeCause(error);
    const message = failed
      ? `migration ${failed} failed: ${why}`
      : `cannot open the store (${store.dialect} at ${store.location}): ${why}`;
    return { applied, error: new Error(message, { cause: error }) };
  }
  return { applied };
}

/**
 * How the store's migrations differ from this code's: `pending` are in the code but not applied,
 * `unknown` are applied but not in the code (a newer koppel migrated the store). Both empty: current.
 */
export async function migrationDrift(store: Store): Promise<{ pending: string[]; unknown: string[] }> {
  const migrator = new Migrator({
    db: store.db,
    provider: new SqlFileMigrationProvider(migrationsDir(store.dialect)),
    migrationTableSchema: store.dialect === 'postgres' ? await currentSchema(store) : undefined,
  });
  const known = await migrator.getMigrations();
  const names = new Set(known.map((m) => m.name));
  // Kysely's own bookkeeping table, in the store's schema (search_path on PostgreSQL).
  const { rows } = await sql<{ name: string }>`SELECT name FROM kysely_migration`.execute(store.db);
  return {
    pending: known.filter((m) => m.executedAt === undefined).map((m) => m.name),
    unknown: rows.map((r) => r.name).filter((name) => !names.has(name)),
  };
}

/**
 * Kysely checks for its bookkeeping tables by introspecting every schema of the database; a schema that
 * another process drops meanwhile (another koppel's, a test's) fails that query with 3F000 "schema ...
 * does not exist" although nothing is wrong with ours. Such a race is tried again, a few times.
 */
async function migrateRetryingRaces(migrator: Migrator) {
  for (let attempt = 1; ; attempt++) {
    const outcome = await migrator.migrateToLatest();
    const code = (outcome.error as { code?: string } | undefined)?.code;
    if (code !== '3F000' || attempt === 3 || (outcome.results ?? []).length > 0) return outcome;
  }
}

async function currentSchema(store: Store): Promise<string | undefined> {
  try {
    const { rows } = await sql<{ schema: string }>`SELECT current_schema() AS schema`.execute(store.db);
    return rows[0]?.schema ?? undefined;
  } catch {
    // Unreachable store: migrateToLatest reports the connection error with its cause.
    return undefined;
  }
}

function describeCause(error: unknown): string {
  if (error instanceof AggregateError && error.errors.length > 0) return describeCause(error.errors[0]);
  if (!(error instanceof Error)) return String(error);
  const code = (error as NodeJS.ErrnoException).code;
  return code && !error.message.includes(code)
    ? `${error.message} (${code})`
    : error.message || (code ?? 'unknown error');
}
