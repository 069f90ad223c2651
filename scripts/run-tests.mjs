#!/usr/bin/env node
// The README's test command. Node 20's test runner cannot glob *.test.ts by itself (globs arrived in
// Node 21), so we list the files and hand them to `node --test` with the tsx loader. Unless
// KOPPEL_TEST_PG_URL is set (CI sets it), a throwaway PostgreSQL is started so the PostgreSQL half of
// the contract suites runs too. Extra arguments pass through: `npm test -- --test-name-pattern=queue`
// or `npm test -- test/queue/crash.test.ts`.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

function findTests(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : findTests(path);
    return entry.name.endsWith('.test.ts') ? [path] : [];
  });
}

function ensurePostgres() {
  if (process.env.KOPPEL_TEST_PG_URL || process.env.KOPPEL_TEST_NO_PG) return;
  const result = spawnSync('bash', ['scripts/ensure-postgres.sh'], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  if (result.status === 0 && result.stdout.trim()) {
    process.env.KOPPEL_TEST_PG_URL = result.stdout.trim();
  } else {
    console.warn('No PostgreSQL could be started: the PostgreSQL cases will be skipped (they say why).');
  }
}

const args = process.argv.slice(2);
const explicit = args.filter((a) => !a.startsWith('--'));
const flags = args.filter((a) => a.startsWith('--'));
const files = explicit.length > 0 ? explicit : [...findTests('src'), ...findTests('test')].sort();
ensurePostgres();
const result = spawnSync(
  process.execPath,
  ['--import', 'tsx', '--test', '--test-concurrency=2', ...flags, ...files],
  {
    stdio: 'inherit',
  },
);
process.exit(result.status ?? 1);
