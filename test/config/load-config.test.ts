import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { loadConfig } from '../../src/config/load-config.js';
import { ConfigError } from '../../src/errors.js';

const issuesOf = (fn: () => unknown): string[] => {
  try {
    fn();
  } catch (error) {
    assert.ok(error instanceof ConfigError);
    return [...error.issues];
  }
  assert.fail('expected a ConfigError');
};

describe('configuration', () => {
  it('needs nothing for the embedded default', () => {
    const config = loadConfig({ env: {} });
    assert.equal(config.store.driver, 'sqlite');
    assert.equal(config.dataDir, '.koppel');
    assert.deepEqual(config.masterKey, { source: 'file' });
    assert.equal(config.queue.leaseSeconds, 60);
    assert.equal(config.queue.maxDeliveries, 10);
    assert.equal(config.queue.deadLetterRetentionDays, 14);
  });

  it('names the field and the rule for each problem', () => {
    const issues = issuesOf(() =>
      loadConfig({
        overrides: { queue: { deadLetterRetentionDays: 30, leaseSeconds: 'x' }, store: { driver: 'mysql' } },
      }),
    );
    assert.ok(
      issues.some((i) => i.startsWith('queue.deadLetterRetentionDays: must be at most 14')),
      issues.join('|'),
    );
    assert.ok(
      issues.some((i) => i.startsWith('queue.leaseSeconds:')),
      issues.join('|'),
    );
    assert.ok(
      issues.some((i) => i.startsWith('store.driver:')),
      issues.join('|'),
    );
  });

  it('rejects unknown fields instead of ignoring a typo', () => {
    const issues = issuesOf(() => loadConfig({ overrides: { queue: { maxDelivery: 3 } } }));
    assert.match(issues[0]!, /^queue: .*maxDelivery/);
  });

  it('reads a JSON file and lets the environment override it', () => {
    const file = join(tmpdir(), `koppel-config-${process.pid}.json`);
    writeFileSync(file, JSON.stringify({ dataDir: '/var/lib/koppel', queue: { maxDeliveries: 5 } }));
    const config = loadConfig({
      file,
      env: { KOPPEL_STORE_URL: 'postgres://u@db.example:5432/k', KOPPEL_PG_SSL: 'verify-full' },
    });
    assert.equal(config.dataDir, '/var/lib/koppel');
    assert.equal(config.queue.maxDeliveries, 5);
    assert.deepEqual(config.store, {
      driver: 'postgres',
      url: 'postgres://u@db.example:5432/k',
      ssl: 'verify-full',
      poolSize: 10,
    });
  });

  it('refuses a TLS mode in store.url that contradicts store.ssl, naming both fields', () => {
    const postgres = (url: string, ssl?: string) => {
      const { store } = loadConfig({
        overrides: { store: { driver: 'postgres', url, ...(ssl ? { ssl } : {}) } },
      });
      assert.equal(store.driver, 'postgres');
      return store as Extract<typeof store, { driver: 'postgres' }>;
    };
    assert.match(
      issuesOf(() => postgres('postgres://u@db.example/k?sslmode=disable', 'verify-full'))[0]!,
      /^store.ssl: is "verify-full" but store.url says sslmode=disable/,
    );
    assert.match(
      issuesOf(() => postgres('postgres://u@db.example/k?sslmode=prefer'))[0]!,
      /^store.url: sslmode=prefer is not supported/,
    );
    assert.match(
      issuesOf(() => postgres('postgres://u@db.example/k?sslrootcert=/tmp/ca.pem', 'verify-full'))[0]!,
      /^store.url: must not set sslrootcert: .*store.caFile/,
    );
    assert.equal(postgres('postgres://u@db.example/k?sslmode=verify-full', 'verify-full').ssl, 'verify-full');
    assert.equal(postgres('postgres://u@db.example/k?sslmode=disable').ssl, 'disable');
    assert.equal(postgres('postgres://u@db.example/k').ssl, 'require', 'another machine: require by default');
    assert.equal(postgres('postgres://u@127.0.0.1/k').ssl, 'disable');
    assert.equal(postgres('postgres://u@localhost/k?host=/var/run/postgresql').ssl, 'disable');
  });

  it('explains an unreadable or malformed file', () => {
    assert.match(
      issuesOf(() => loadConfig({ file: '/nonexistent/koppel.json' }))[0]!,
      /cannot be read \(ENOENT\)/,
    );
    const file = join(tmpdir(), `koppel-bad-${process.pid}.json`);
    writeFileSync(file, '{ "dataDir": ');
    assert.match(issuesOf(() => loadConfig({ file }))[0]!, /is not valid JSON/);
  });

  it('switches to the environment master key when KOPPEL_MASTER_KEY is set', () => {
    assert.deepEqual(loadConfig({ env: { KOPPEL_MASTER_KEY: 'x' } }).masterKey, {
      source: 'env',
      variable: 'KOPPEL_MASTER_KEY',
    });
  });
});
