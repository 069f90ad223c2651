import type { Command } from 'commander';
import { decideRemovals, showRemovals } from '../../incidents/signals/removal-decisions.js';
import type { RemovalPause } from '../../sync/removal-guard.js';
import { cliActor } from '../cli-actor.js';
import { type CliIo, type GlobalOptions, withApp } from '../context.js';

const iso = (ms: number | null) => (ms === null ? '-' : new Date(ms).toISOString());

function printRemovals(io: CliIo, tenantId: string, pause: RemovalPause | null): void {
  if (!pause) {
    io.out(`tenant ${tenantId}: removals have never been paused`);
    return;
  }
  io.out(`tenant ${tenantId}: removals ${pause.state}`);
  io.out(`paused at:  ${iso(pause.since)}`);
  io.out(
    `cause:      ${pause.removals} removals in one round (threshold ${pause.threshold}, average ${pause.average.toFixed(1)})`,
  );
  if (pause.decidedAt !== null)
    io.out(`decided:    ${pause.state} by ${pause.decidedBy} at ${iso(pause.decidedAt)}`);
  if (pause.state === 'paused')
    io.out(
      `next: koppel tenant removals confirm ${tenantId}  (or reject: dead-letters them as rejected-by-admin)`,
    );
}

/** `koppel tenant removals show|confirm|reject <tenant>`: the mass-removal pause (docs/incident-signals.md). */
export function tenantRemovalsCommand(tenant: Command, globals: () => GlobalOptions, io: CliIo): void {
  const removals = tenant
    .command('removals')
    .description("a tenant's removals paused after a mass removal: show, confirm or reject them");

  removals
    .command('show <tenant>')
    .description('whether the removals are paused, why, and any decision')
    .option('--json', 'print JSON')
    .action((id: string, options: { json?: boolean }) =>
      withApp(globals(), io, async (app) => {
        const view = await showRemovals(app, id);
        if (options.json) return io.out(JSON.stringify(view));
        printRemovals(io, id, view.pause);
      }),
    );

  for (const decision of ['confirm', 'reject'] as const) {
    removals
      .command(`${decision} <tenant>`)
      .description(
        decision === 'confirm'
          ? 'the mass removal is right: deliver the held removals (within 5 minutes)'
          : 'the mass removal is wrong: dead-letter the held removals (reason rejected-by-admin; koppel dlq replay undoes it)',
      )
      .option('--json', 'print JSON')
      .action((id: string, options: { json?: boolean }) =>
        withApp(globals(), io, async (app) => {
          const pause = await decideRemovals(app, id, decision, cliActor());
          if (options.json) return io.out(JSON.stringify({ tenantId: id, pause }));
          printRemovals(io, id, pause);
        }),
      );
  }
}
