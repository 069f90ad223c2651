import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';

/**
 * What `npm ci` on a fresh clone will do, read from package.json and the lock file: every platform's
 * binaries are locked (else npm ci refuses the lock and npm install rewrites it), every install script
 * is declared in allowScripts (else npm warns), and nothing installed on the supported Node versions
 * wants another Node (else npm warns EBADENGINE).
 */
interface LockEntry {
  name?: string;
  version?: string;
  optional?: boolean;
  dev?: boolean;
  hasInstallScript?: boolean;
  engines?: { node?: string };
  optionalDependencies?: Record<string, string>;
}

const root = join(import.meta.dirname, '../..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const lock: { packages: Record<string, LockEntry> } = JSON.parse(
  readFileSync(join(root, 'package-lock.json'), 'utf8'),
);
const entries = Object.entries(lock.packages).filter(([path]) => path !== '');
const nameOf = (path: string, entry: LockEntry) =>
  entry.name ?? path.slice(path.lastIndexOf('node_modules/') + 13);
const SUPPORTED_NODE = ['20.19.0', '24.0.0'];

/** The few forms of engines.node found in the lock: alternatives of *, >=X, ^X, X.x and X.* (get-caller-file). */
function accepts(range: string, version: string): boolean {
  const [major, minor, patch] = version.split('.').map(Number) as [number, number, number];
  const atLeast = (v: number[]) => {
    const [a = 0, b = 0, c = 0] = v;
    return major !== a ? major > a : minor !== b ? minor > b : patch >= c;
  };
  return range.split('||').some((alternative) => {
    const text = alternative.trim();
    const numbers = (s: string) =>
      s
        .split('.')
        .filter((p) => p !== 'x' && p !== '*')
        .map(Number);
    if (text === '*') return true;
    if (text.startsWith('>=')) return atLeast(numbers(text.slice(2).trim()));
    if (text.startsWith('^')) return numbers(text.slice(1))[0] === major && atLeast(numbers(text.slice(1)));
    if (/^\d+(\.[x*])?$/.test(text)) return numbers(text)[0] === major;
    throw new Error(`engines.node form not understood by this test: "${text}"`);
  });
}

describe('a fresh install', () => {
  it('locks every platform binary of every optional dependency set (npm ci accepts the lock)', () => {
    const missing = entries.flatMap(([, entry]) =>
      Object.keys(entry.optionalDependencies ?? {}).filter(
        (dep) => !entries.some(([path]) => path.endsWith(`node_modules/${dep}`)),
      ),
    );
    assert.deepEqual(missing, []);
  });

  // By name, not by version: a lock without `resolved` URLs (npm's omit-lockfile-registry-resolved)
  // gives npm no verified version, so a version-pinned entry matches every version of the package,
  // and a pinned deny ("better-sqlite3@13.2.0": false) kept better-sqlite3 12 from building at all.
  it('declares in allowScripts every dependency with an install script, by name', () => {
    const policy = pkg.allowScripts ?? {};
    const undeclared = entries
      .filter(([, entry]) => entry.hasInstallScript)
      .map(([path, entry]) => nameOf(path, entry))
      .filter((name) => !(name in policy));
    assert.deepEqual(undeclared, []);
    assert.deepEqual(
      Object.keys(policy).filter((key) => key.lastIndexOf('@') > 0),
      [],
      'no version-pinned entry',
    );
    assert.equal(policy['better-sqlite3'], true, 'the SQLite driver is built at install');
  });

  it('installs nothing that wants another Node than 20 or 24 (optional ones npm skips silently)', () => {
    const mismatched = entries
      .filter(([, entry]) => !entry.optional && entry.engines?.node)
      .flatMap(([path, entry]) =>
        SUPPORTED_NODE.filter((v) => !accepts(entry.engines!.node!, v)).map(
          (v) => `${nameOf(path, entry)}@${entry.version} wants node ${entry.engines!.node}, not ${v}`,
        ),
      );
    assert.deepEqual(mismatched, []);
  });
});
