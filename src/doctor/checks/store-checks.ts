import { sql } from 'kysely';
import { isLocalPostgres, postgresHost } from '../../config/postgres-tls.js';
import { type DoctorCheck, fail, pass, readyStore, skip, warn } from '../doctor-check.js';

export const storeReady: DoctorCheck = {
  id: 'store',
  run: ({ store, storeProblem, pendingMigrations }) => {
    if (!store) {
      const fresh = storeProblem?.includes('has not been started');
      const explain =
        'doctor cannot check what it cannot open: keys, retention and settings below are skipped.';
      return fresh
        ? warn('store', storeProblem!, explain, 'koppel start (or koppel migrate) creates it')
        : fail(
            'store',
            storeProblem ?? 'the store cannot be opened',
            explain,
            'check store.url / $KOPPEL_STORE_URL and that the database runs',
          );
    }
    if (pendingMigrations.length > 0) {
      return fail(
        'store',
        `the store lacks migrations ${pendingMigrations.join(', ')}`,
        'this koppel version expects tables the store does not have yet; it would fail or miss data.',
        'koppel migrate',
      );
    }
    return pass('store', `${store.dialect} at ${store.location}, all migrations applied`);
  },
};

export const postgresTls: DoctorCheck = {
  id: 'postgres-tls',
  run: ({ config }) => {
    if (config.store.driver !== 'postgres') return skip('postgres-tls', 'SQLite: no network connection');
    const url = new URL(config.store.url);
    const host = postgresHost(url);
    if (isLocalPostgres(url)) return pass('postgres-tls', `PostgreSQL on this machine (${host})`);
    // The effective mode: store.ssl and the URL's sslmode were reconciled when the config was read.
    const mode = config.store.ssl;
    if (mode === 'verify-full')
      return pass('postgres-tls', `PostgreSQL at ${host} over TLS with a verified certificate`);
    if (mode === 'require') {
      return warn(
        'postgres-tls',
        `PostgreSQL at ${host} over TLS, but the server certificate is not verified`,
        'the connection is encrypted, but a machine in between could pose as the database server.',
        'set store.ssl to "verify-full" (with store.caFile for a private CA)',
      );
    }
    return fail(
      'postgres-tls',
      `PostgreSQL at ${host} without TLS`,
      'the processing agreement promises all traffic is encrypted in transit; wrapped keys and encrypted payloads would cross the network in the clear, with the database password.',
      'set store.ssl to "verify-full" (or $KOPPEL_PG_SSL=verify-full)',
    );
  },
};

const WANTED = { journal_mode: 'wal', synchronous: '2', secure_delete: '1' } as const;

export const sqlitePragmas: DoctorCheck = {
  id: 'sqlite-pragmas',
  run: async (context) => {
    const store = readyStore(context);
    if (store?.dialect !== 'sqlite') return skip('sqlite-pragmas', 'only for SQLite');
    const wrong: string[] = [];
    for (const [pragma, wanted] of Object.entries(WANTED)) {
      const result = await sql.raw(`PRAGMA ${pragma}`).execute(store.db);
      const value = String(Object.values(result.rows[0] as object)[0]).toLowerCase();
      if (value !== wanted) wrong.push(`${pragma} is ${value}, wanted ${wanted}`);
    }
    if (wrong.length === 0) return pass('sqlite-pragmas', 'WAL, synchronous=FULL and secure_delete are on');
    return fail(
      'sqlite-pragmas',
      wrong.join('; '),
      'WAL with synchronous=FULL keeps every acknowledged message through a power cut; secure_delete overwrites deleted payloads instead of leaving them in free pages.',
      'use the SQLite store as koppel opens it (these are set on every open); report this as a bug',
    );
  },
};
