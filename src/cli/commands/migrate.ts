import type { Command } from 'commander';
import { type CliIo, type GlobalOptions, withApp } from '../context.js';

export function migrateCommand(program: Command, io: CliIo): void {
  program
    .command('migrate')
    .description('create or upgrade the store (SQLite or PostgreSQL) to the latest schema; safe to run twice')
    .action(async () => {
      await withApp(program.opts<GlobalOptions>(), io, async (app) => {
        const applied = app.migrationsApplied;
        io.out(`store: ${app.store.dialect} at ${app.store.location}`);
        io.out(applied.length === 0 ? 'already up to date' : `applied: ${applied.join(', ')}`);
      });
    });
}
