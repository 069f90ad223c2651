import { createRequire } from 'node:module';
import type SQLite from 'better-sqlite3';

/**
 * better-sqlite3 12 is the last release that runs on Node 20, and on Node 24 it aborts the process
 * when the garbage collector finalises a closed database or statement ("Assertion failed: (env) !=
 * nullptr", WiseLibs/better-sqlite3#1515, not fixed in 12.x). Release 13 fixes that but needs Node 22.
 * Both are installed (13 under the alias better-sqlite3-node22, which ships prebuilt binaries and
 * compiles nothing on install); the one that works on this Node is loaded. Their APIs are the same.
 */
const require = createRequire(import.meta.url);
const major = Number(process.versions.node.split('.')[0]);

export const BetterSqlite3: typeof SQLite = require(major >= 22 ? 'better-sqlite3-node22' : 'better-sqlite3');
