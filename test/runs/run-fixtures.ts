import type { App } from '../../src/app.js';
import type { ManualClock } from '../../src/clock.js';
import type { RoundReport } from '../../src/sync/round-report.js';

/** Synthetic contact ids (GUIDs as Dataverse gives them); no person behind any of them. */
export const contactId = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

export const MAPPING_REASON =
  'Contact cannot be mapped to Mail+: emailaddress1 -> email: is not a valid e-mail address; lastname -> lastName: is longer than the maximum of 50 characters';

/**
 * Records one round of `tenantId` that took `ms` on the manual clock, dead-lettering `rejects` records
 * during it as the deliverers would (reason `rejected`, the mapper's description).
 */
export async function recordRound(
  app: App,
  clock: ManualClock,
  tenantId: string,
  options: {
    ms?: number;
    written?: number;
    rejects?: Array<{ contact: string; description: string; queue?: string; reason?: string }>;
    error?: RoundReport['error'];
    kind?: RoundReport['kind'];
  } = {},
): Promise<number> {
  const startedAt = clock.now();
  clock.advance((options.ms ?? 2_000) / 2);
  for (const reject of options.rejects ?? []) {
    const queue = reject.queue ?? 'to-mailplus';
    await app.queue.enqueue([{ tenantId, queue, key: reject.contact, payload: { op: 'synthetic' } }]);
    const claimed = await app.queue.claim({ queue, tenantId });
    await app.queue.deadLetter(claimed, reject.reason ?? 'rejected', reject.description);
  }
  clock.advance((options.ms ?? 2_000) / 2);
  return app.runs.record({
    tenantId,
    kind: options.kind ?? 'live',
    startedAt,
    endedAt: clock.now(),
    dataverseRead: 3,
    mailplusRead: 1,
    dataverseWritten: 1,
    mailplusWritten: options.written ?? 3,
    retries: 0,
    rateLimited: 0,
    error: options.error ?? null,
  });
}
