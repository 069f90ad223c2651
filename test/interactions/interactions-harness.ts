import { ManualClock } from '../../src/clock.js';
import type { InteractionPassResult } from '../../src/interactions/interaction-feed.js';
import { type HarnessOptions, type SyncHarness, TENANT, withSyncHarness } from '../sync/sync-harness.js';

export { TENANT };

/**
 * The sync harness (both emulators over HTTPS, one ManualClock) with the tenant's contacts synced to
 * Mail+ first, so interactions have linked contacts to belong to. Interactions are switched on unless
 * the test's settings say otherwise.
 */
export async function withInteractions(
  options: HarnessOptions & { contacts?: number },
  test: (h: InteractionHarness) => Promise<void>,
): Promise<void> {
  const clock = options.clock ?? new ManualClock(Date.now(), { autoAdvanceUpToMs: 5_000 });
  await withSyncHarness(
    {
      contacts: 6,
      ...options,
      clock,
      settings: { 'interactions.enabled': true, ...options.settings },
      appOptions: { interactionsFrom: clock.now() - 1_000, ...options.appOptions },
    },
    async (h) => {
      await h.settle();
      await test(extend(h));
    },
  );
}

export interface InteractionHarness extends SyncHarness {
  /** The Mail+ externalIds koppel linked (the synced contacts). */
  linked(): string[];
  /** One interactions pass after a second has passed (as between two runs of `koppel run`). */
  pass(): Promise<InteractionPassResult>;
  /** Rows of the koppel activity table in the Dataverse emulator. */
  activities(entitySet?: string): Array<Record<string, unknown>>;
  /** Mail+ API calls to the interaction feeds so far. */
  interactionCalls(): number;
}

function extend(h: SyncHarness): InteractionHarness {
  return Object.assign(h, {
    linked: () => h.dataverse.admin.listContacts().map((c) => String(c.contactid)),
    pass: async () => {
      h.clock.advance(1_000);
      return h.t.app.interactions.run(TENANT);
    },
    activities: (entitySet?: string) => h.dataverse.admin.activities(entitySet),
    interactionCalls: () =>
      h.mailplus.admin.requestLog().filter((r) => r.path.includes('/mailing-interaction/')).length,
  });
}
