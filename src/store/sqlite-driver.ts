import { createRequire } from 'node:module';
import type SQLite from 'better-sqlite3';

/**
 * better-sqlite3 12 is the last release that runs on Node 20, and on Node 24 it aborts the process
 * when the garbage collector finalises a closed database or statement ("Assertion failed: (env) !=
 * nullptr", WiseLibs/better-sqlite3#1515, not fixed in 12.x). Release 13 fixes that but needs Node 22.
 * Both are installed (13 under the alias better-sqlite3-node22, which ships prebuilt binaries and
 * compiles nothing on install); the one that works on this Node is loaded. Their APIs are the same.
 * 13 is an optional dependency, so npm installs it only on Node 22+ (no engine warning on Node 20):
 * node_modules installed under Node 20 and then run under a newer Node lacks it.
 */
const require = createRequire(import.meta.url);
const major = Number(process.versions.node.split('.')[0]);

function load(): typeof SQLite {
  if (major < 22) return require('better-sqlite3');
  try {
    return require('better-sqlite3-node22');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'MODULE_NOT_FOUND') throw error;
    throw new Error(
      `Node ${process.versions.node} needs better-sqlite3 13 (better-sqlite3-node22), which npm installs only on Node 22 or later: these node_modules were installed under an older Node; run npm ci (or npm install) again with this Node`,
    );
  }
}

export const BetterSqlite3: typeof SQLite = load();
