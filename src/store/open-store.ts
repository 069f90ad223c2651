import { chmodSync, closeSync, mkdirSync, openSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type SQLite from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect, sql, type Transaction } from 'kysely';
import pg from 'pg';
import type { StoreConfig } from '../config/config-schema.js';
import { withoutSslMode } from '../config/postgres-tls.js';
import type { Database } from './schema.js';
import { BetterSqlite3 } from './sqlite-driver.js';

export type StoreDialect = 'sqlite' | 'postgres';

export interface WriteOptions {
  /**
   * false: the commit may be lost on power loss (never on a process crash), in exchange for no fsync.
   * Only for writes whose loss the caller tolerates (queue claims and settlements: at-least-once
   * delivery redelivers). SQLite commits such a transaction with synchronous=NORMAL; WAL recovery
   * always yields a prefix of the commits, and the next durable commit syncs everything before it.
   * PostgreSQL ignores it. Default true.
   */
  durable?: boolean;
}

/** The raw SQLite connection, for hot paths that run their own prepared statements (SQLite stores only). */
export interface SqliteAccess {
  /**
   * Runs the synchronous `fn` in a BEGIN IMMEDIATE transaction on the raw better-sqlite3 connection,
   * holding the connection Kysely uses (its mutex), so no Kysely transaction is open or interleaves.
   * Commits when `fn` returns, rolls back when it throws. Statements prepared on `database` can be cached.
   */
  write<T>(fn: (database: SQLite.Database) => T, options?: WriteOptions): Promise<T>;
}

/** Direct queries on the PostgreSQL pool, for hot paths (PostgreSQL stores only). */
export interface PostgresAccess {
  /**
   * One statement in autocommit. With a `name` the statement is prepared once per pooled connection and
   * reused (no parse and plan per call); a name must always stand for the same text.
   */
  query<R>(text: string, values: readonly unknown[], name?: string): Promise<R[]>;
  /**
   * LISTENs on `channel` on a connection of its own (outside the pool, so it never holds a pooled
   * one). `onLost` is called once when that connection breaks; listen again to resume. Closed with
   * the store.
   */
  listen(
    channel: string,
    onNotify: (payload: string) => void,
    onLost: (error: Error) => void,
  ): Promise<Listening>;
}

export interface Listening {
  close(): Promise<void>;
}

export interface Store {
  db: Kysely<Database>;
  dialect: StoreDialect;
  /** Set for SQLite stores only. */
  sqlite?: SqliteAccess;
  /** Set for PostgreSQL stores only. */
  postgres?: PostgresAccess;
  /** Where the data live, safe to print (no password). */
  location: string;
  /**
   * Runs `fn` in a transaction that holds the write lock from its first statement. On SQLite that is
   * BEGIN IMMEDIATE: a deferred transaction that reads first and writes later fails with SQLITE_BUSY
   * when another process wrote in between, instead of waiting for the lock.
   */
  writeTransaction<T>(fn: (trx: Kysely<Database>) => Promise<T>, options?: WriteOptions): Promise<T>;
  close(): Promise<void>;
}

export function openStore(config: StoreConfig, dataDir: string): Store {
  return config.driver === 'sqlite'
    ? openSqlite(resolve(dataDir, config.path ?? 'koppel.db'))
    : openPostgres(config);
}

function openSqlite(path: string): Store {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  // Create the file ourselves so it is never world-readable, not even for a moment.
  closeSync(openSync(path, 'a', 0o600));
  chmodSync(path, 0o600);
  const database = new BetterSqlite3(path);
  database.pragma('journal_mode = WAL');
  // FULL: an acknowledged commit survives power loss; NORMAL may roll back the last commits in WAL mode.
  database.pragma('synchronous = FULL');
  // Deleted rows (payloads) are overwritten with zeros instead of lingering in free pages.
  database.pragma('secure_delete = ON');
  database.pragma('busy_timeout = 10000');
  database.pragma('foreign_keys = ON');
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database }) });
  const relaxed = database.prepare('PRAGMA synchronous = NORMAL');
  const strict = database.prepare('PRAGMA synchronous = FULL');
  const begin = database.prepare('BEGIN IMMEDIATE');
  const commit = database.prepare('COMMIT');
  const rollback = database.prepare('ROLLBACK');
  return {
    db,
    dialect: 'sqlite',
    location: path,
    sqlite: {
      write: (fn, options) =>
        db.connection().execute(async () => {
          const durable = options?.durable !== false;
          if (!durable) relaxed.run();
          try {
            begin.run();
            try {
              const result = fn(database);
              commit.run();
              return result;
            } catch (error) {
              if (database.inTransaction) rollback.run();
              throw error;
            }
          } finally {
            if (!durable) strict.run();
          }
        }),
    },
    // Kysely's SQLite driver has one connection behind a mutex, so holding it serialises our writers.
    // A non-durable transaction switches the connection to synchronous=NORMAL for its own commit only
    // (see WriteOptions); the connection is back at FULL before the mutex is released.
    writeTransaction: (fn, options) =>
      db.connection().execute(async (conn) => {
        const durable = options?.durable !== false;
        if (!durable) relaxed.run();
        try {
          await sql.raw('BEGIN IMMEDIATE').execute(conn);
          try {
            const result = await fn(conn);
            await sql.raw('COMMIT').execute(conn);
            return result;
          } catch (error) {
            await sql.raw('ROLLBACK').execute(conn);
            throw error;
          }
        } finally {
          if (!durable) strict.run();
        }
      }),
    close: () => db.destroy(),
  };
}

function openPostgres(config: Extract<StoreConfig, { driver: 'postgres' }>): Store {
  const ssl =
    config.ssl === 'disable'
      ? false
      : {
          rejectUnauthorized: config.ssl === 'verify-full',
          ...(config.caFile ? { ca: readFileSync(config.caFile, 'utf8') } : {}),
        };
  const connection = {
    connectionString: withoutSslMode(config.url),
    ssl,
    // BIGINT columns hold epoch milliseconds and sequence numbers, all well inside 2^53.
    types: {
      getTypeParser: (oid: number, format?: string) =>
        oid === 20 ? Number : pg.types.getTypeParser(oid, format as 'text'),
    },
  };
  const pool = new pg.Pool({ ...connection, max: config.poolSize });
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  const listeners = new Set<pg.Client>();
  const listen = async (
    channel: string,
    onNotify: (payload: string) => void,
    onLost: (error: Error) => void,
  ): Promise<Listening> => {
    if (!/^[a-z_][a-z0-9_]*$/.test(channel)) throw new TypeError(`listen: bad channel name ${channel}`);
    const client = new pg.Client(connection);
    let lost = false;
    const lose = (error: Error) => {
      if (lost) return;
      lost = true;
      listeners.delete(client);
      onLost(error);
    };
    client.on('notification', (message) => {
      if (message.channel === channel) onNotify(message.payload ?? '');
    });
    client.on('error', lose);
    client.on('end', () => lose(new Error('the LISTEN connection ended')));
    await client.connect();
    listeners.add(client);
    await client.query(`LISTEN ${channel}`);
    return {
      close: async () => {
        lost = true;
        listeners.delete(client);
        await client.end().catch(() => {});
      },
    };
  };
  return {
    db,
    dialect: 'postgres',
    location: redact(config.url),
    postgres: {
      query: async <R>(text: string, values: readonly unknown[], name?: string) =>
        (await pool.query<R & pg.QueryResultRow>({ text, values: values as unknown[], name })).rows as R[],
      listen,
    },
    writeTransaction: (fn) => db.transaction().execute((trx: Transaction<Database>) => fn(trx)),
    close: async () => {
      const open = [...listeners];
      listeners.clear();
      await Promise.all(open.map((client) => client.end().catch(() => {})));
      await db.destroy();
    },
  };
}

function redact(url: string): string {
  const parsed = new URL(url);
  if (parsed.password) parsed.password = '***';
  return parsed.toString();
}
