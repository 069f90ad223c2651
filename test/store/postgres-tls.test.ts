import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { sql } from 'kysely';
import { loadConfig } from '../../src/config/load-config.js';
import { openStore } from '../../src/store/open-store.js';
import { PG_SKIP_REASON, PG_URL } from '../helpers/stores.js';

/** The test server speaks no TLS, so a connection that tries TLS fails and one that does not succeeds. */
async function connect(url: string, ssl?: string): Promise<string> {
  const config = loadConfig({ overrides: { store: { driver: 'postgres', url, ...(ssl ? { ssl } : {}) } } });
  const store = openStore(config.store, '.');
  try {
    await sql`SELECT 1`.execute(store.db);
    return 'plain';
  } catch (error) {
    return (error as Error).message;
  } finally {
    await store.close();
  }
}

describe('PostgreSQL TLS mode on a real connection', { skip: PG_SKIP_REASON }, () => {
  const withMode = (mode: string) => {
    const url = new URL(PG_URL!);
    url.searchParams.set('sslmode', mode);
    return url.toString();
  };

  it("uses the one effective mode: store.ssl, else the URL's sslmode", async () => {
    assert.equal(await connect(PG_URL!), 'plain', 'loopback without a setting: no TLS');
    assert.match(await connect(PG_URL!, 'require'), /does not support SSL/);
    assert.match(await connect(withMode('require')), /does not support SSL/, 'sslmode=require alone');
    assert.equal(await connect(withMode('disable'), 'disable'), 'plain', 'agreeing settings connect');
    assert.throws(
      () =>
        loadConfig({
          overrides: { store: { driver: 'postgres', url: withMode('disable'), ssl: 'require' } },
        }),
      /store.ssl: is "require" but store.url says sslmode=disable/,
    );
  });
});
