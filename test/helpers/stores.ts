import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { type App, type AppOptions, createApp } from '../../src/app.js';
import { ManualClock, seededRandom } from '../../src/clock.js';
import { loadConfig } from '../../src/config/load-config.js';

export const TEST_MASTER_KEY = Buffer.alloc(32, 7).toString('base64');

/** The PostgreSQL server for tests; .ci/run always provides one (scripts/ensure-postgres.sh). */
export const PG_URL = process.env.KOPPEL_TEST_PG_URL;
export const PG_SKIP_REASON = PG_URL
  ? false
  : 'KOPPEL_TEST_PG_URL is not set; run `export KOPPEL_TEST_PG_URL=$(bash scripts/ensure-postgres.sh)` first';

export type Backend = 'sqlite' | 'postgres';

export interface TestApp {
  app: App;
  clock: ManualClock;
  dataDir: string;
  /** The store URL or path, for a child process that opens the same store. */
  storeUrl: string;
  close(): Promise<void>;
}

/** A new, empty schema in the test PostgreSQL, and a URL whose connections use it. */
export async function createPgSchema(): Promise<{ url: string; drop: () => Promise<void> }> {
  if (!PG_URL) throw new Error(String(PG_SKIP_REASON));
  const schema = `t_${Math.random().toString(36).slice(2, 12)}`;
  const run = async (statement: string) => {
    const client = new pg.Client({ connectionString: PG_URL });
    await client.connect();
    try {
      await client.query(statement);
    } finally {
      await client.end();
    }
  };
  await run(`CREATE SCHEMA ${schema}`);
  const url = new URL(PG_URL);
  url.searchParams.set('options', `-c search_path=${schema}`);
  return { url: url.toString(), drop: () => run(`DROP SCHEMA ${schema} CASCADE`) };
}

/** A fresh koppel on a fresh store: a temporary SQLite file, or a new schema in the test PostgreSQL. */
export async function createTestApp(
  backend: Backend,
  overrides: Record<string, unknown> = {},
  options: AppOptions = {},
): Promise<TestApp> {
  const dataDir = mkdtempSync(join(tmpdir(), 'koppel-test-'));
  // The caller's manual clock when it brings one (the sync harness shares one with the emulators).
  const clock = options.clock instanceof ManualClock ? options.clock : new ManualClock();
  let storeUrl = join(dataDir, 'koppel.db');
  let dropSchema = async () => {};
  if (backend === 'postgres') {
    const schema = await createPgSchema();
    storeUrl = schema.url;
    dropSchema = schema.drop;
  }
  const config = loadConfig({
    env: { KOPPEL_MASTER_KEY: TEST_MASTER_KEY, KOPPEL_DATA_DIR: dataDir, KOPPEL_STORE_URL: storeUrl },
    overrides,
  });
  const app = await createApp(config, {
    env: { KOPPEL_MASTER_KEY: TEST_MASTER_KEY },
    clock,
    random: seededRandom(42),
    ...options,
  });
  return {
    app,
    clock,
    dataDir,
    storeUrl,
    close: async () => {
      await app.close();
      await dropSchema();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
