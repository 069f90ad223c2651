import type { App } from '../app.js';
import type { DataverseEmulator } from '../emulators/dataverse/emulator.js';
import type { MailplusEmulator } from '../emulators/mailplus/index.js';

export interface DemoInteractionsOptions {
  app: App;
  tenantId: string;
  dataverse: DataverseEmulator;
  mailplus: MailplusEmulator;
  out: (line: string) => void;
  pollIntervalMs: number;
  /** Give up after this long; default 60 s. */
  timeoutMs?: number;
}

/**
 * The demo's interactions step: the tenant's interactions are switched on, a mailing goes out to every
 * Mail+ contact (opens, clicks and bounces drawn by the emulator), and koppel's interactions feed
 * brings them into Dataverse as activities. True when all of them arrived in time.
 */
export async function demoInteractions(options: DemoInteractionsOptions): Promise<boolean> {
  const { app, tenantId, dataverse, mailplus, out } = options;
  const clock = app.clock;
  await app.tenants.updateSettings(tenantId, { 'interactions.enabled': true });
  // The first pass fixes where the feed starts (now), before the mailing goes out.
  await app.interactions.run(tenantId);
  const { counts } = mailplus.admin.simulateMailing({
    name: 'Demo nieuwsbrief december',
    subject: 'Nieuws van Demo BV',
    openRate: 0.5,
    clickRate: 0.4,
  });
  const expected = counts.sent + counts.opened + counts.clicked + counts.bounced;
  out(
    `   mailing sent to ${counts.sent.toLocaleString('en')}: ${counts.opened.toLocaleString('en')} opens, ` +
      `${counts.clicked.toLocaleString('en')} clicks, ${counts.bounced.toLocaleString('en')} bounces`,
  );
  const batchesBefore = batches(dataverse);
  const deadline = clock.now() + (options.timeoutMs ?? 60_000);
  let written = 0;
  // Contacts koppel removed from Mail+ earlier in the demo (anonymized) get no activities: skipped.
  let skipped = 0;
  while (written + skipped < expected && clock.now() < deadline) {
    await clock.sleep(options.pollIntervalMs);
    const pass = await app.interactions.run(tenantId);
    written += pass.written;
    skipped += pass.skippedRemoved + pass.skippedUnlinked;
  }
  const stored = dataverse.admin.activities().length;
  out(
    `   in Dataverse: ${stored.toLocaleString('en')} of ${(expected - skipped).toLocaleString('en')} activities, ` +
      `in ${batches(dataverse) - batchesBefore} $batch call(s); ${skipped} skipped (contacts koppel removed)`,
  );
  return stored === expected - skipped && written + skipped === expected;
}

function batches(dataverse: DataverseEmulator): number {
  return dataverse.admin.requestLog().filter((r) => r.method === 'POST' && r.path.endsWith('$batch')).length;
}
