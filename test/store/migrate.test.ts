import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import pg from 'pg';
import { migrationsDir } from '../../src/store/migrate.js';
import { runCli } from '../helpers/cli.js';
import { createPgSchema, PG_SKIP_REASON, TEST_MASTER_KEY } from '../helpers/stores.js';

describe('migrations', () => {
  it('apply once on SQLite and report "up to date" the second time', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'koppel-mig-'));
    const env = { KOPPEL_DATA_DIR: dataDir, KOPPEL_MASTER_KEY: TEST_MASTER_KEY };
    const first = await runCli(['migrate'], env);
    assert.equal(first.code, 0, first.stderr);
    assert.match(first.stdout, /applied: 0001_init, 0002_tenants/);
    const second = await runCli(['migrate'], env);
    assert.match(second.stdout, /already up to date/);
  });

  it('are safe when several processes start at once on PostgreSQL', { skip: PG_SKIP_REASON }, async () => {
    const schema = await createPgSchema();
    try {
      const env = { KOPPEL_STORE_URL: schema.url, KOPPEL_MASTER_KEY: TEST_MASTER_KEY };
      const runs = await Promise.all([1, 2, 3, 4].map(() => runCli(['migrate'], env)));
      for (const run of runs) assert.equal(run.code, 0, run.stderr);
      assert.equal(
        runs.filter((r) => r.stdout.includes('applied: 0001_init')).length,
        1,
        'exactly one process applied it',
      );
      const client = new pg.Client({ connectionString: schema.url });
      await client.connect();
      const { rows } = await client.query('SELECT name FROM kysely_migration');
      await client.end();
      const files = readdirSync(migrationsDir('postgres'))
        .map((f) => f.replace(/\.sql$/, ''))
        .sort();
      assert.deepEqual(rows.map((r) => r.name).sort(), files, 'each migration applied exactly once');
    } finally {
      await schema.drop();
    }
  });
});
