import type { Clock } from '../clock.js';
import type { ClaimedMessage } from '../queue/queue.js';
import type { SecurityEventSink } from '../queue/security-event-log.js';
import type { CheckpointStore } from './checkpoint-store.js';

/** When a round's removals count as a mass removal: more than max(minimum, factor x average). */
export interface MassRemovalThresholds {
  minimum: number;
  factor: number;
}

export const DEFAULT_MASS_REMOVAL: MassRemovalThresholds = { minimum: 50, factor: 10 };

/** A held removal comes round again after this long: a confirm takes effect within it. */
export const HOLD_MS = 5 * 60_000;
/** Weight of a new round in the rolling average (about the last 10 rounds count). */
const ALPHA = 0.1;

/** A tenant's mass-removal pause, as stored (checkpoint `removal-pause`, JSON, ids and counts only). */
export interface RemovalPause {
  state: 'paused' | 'confirmed' | 'rejected';
  /** When the pause began, and the round's removals, threshold and average that caused it. */
  since: number;
  removals: number;
  threshold: number;
  average: number;
  decidedAt: number | null;
  decidedBy: string | null;
  /** Removals enqueued up to this moment were rejected by an admin: they are dead-lettered, not sent. */
  rejectedBefore: number | null;
}

interface RemovalRate {
  average: number;
  rounds: number;
}

/** What happens to the removals of a claimed batch. */
export interface RemovalSort<T> {
  deliver: ClaimedMessage<T>[];
  held: ClaimedMessage<T>[];
  rejected: ClaimedMessage<T>[];
}

/**
 * The mass-removal guard. After a round's Dataverse read, a tenant whose removals in that round
 * exceed max(minimum, factor x its rolling average per round) has its removals paused (security event
 * `sync.mass-removal-paused`): the Mail+ deliverer holds every removal (back in the queue, no delivery
 * counted) while updates keep flowing, until an admin confirms (they are delivered) or rejects (the
 * ones enqueued until then are dead-lettered `rejected-by-admin`, replayable). State lives in the
 * store, so a confirm from the CLI or API reaches a running koppel without a restart.
 */
export class RemovalGuard {
  constructor(
    private readonly checkpoints: CheckpointStore,
    private readonly clock: Clock,
    private readonly thresholds: MassRemovalThresholds = DEFAULT_MASS_REMOVAL,
    private readonly events?: SecurityEventSink,
  ) {}

  async pause(tenantId: string): Promise<RemovalPause | null> {
    const text = await this.checkpoints.get(tenantId, 'removal-pause');
    return text ? (JSON.parse(text) as RemovalPause) : null;
  }

  /** Called once per round with the removals it enqueued: pauses on a burst, else learns the rate. */
  async afterRead(tenantId: string, removals: number): Promise<RemovalPause | null> {
    const pause = await this.pause(tenantId);
    // While paused, more removals are held as well; a burst does not teach the average either.
    if (pause?.state === 'paused') return pause;
    const rate = await this.#rate(tenantId);
    const threshold = Math.max(this.thresholds.minimum, this.thresholds.factor * rate.average);
    if (removals > threshold) {
      const paused: RemovalPause = {
        state: 'paused',
        since: this.clock.now(),
        removals,
        threshold,
        average: rate.average,
        decidedAt: null,
        decidedBy: null,
        rejectedBefore: pause?.rejectedBefore ?? null,
      };
      await this.checkpoints.set(tenantId, 'removal-pause', JSON.stringify(paused));
      await this.events?.record({
        kind: 'sync.mass-removal-paused',
        tenantId,
        subject: tenantId,
        detail: { removals, threshold, average: Math.round(rate.average * 10) / 10 },
      });
      return paused;
    }
    const average = rate.rounds === 0 ? removals : rate.average + (removals - rate.average) * ALPHA;
    await this.checkpoints.set(
      tenantId,
      'removal-rate',
      JSON.stringify({ average, rounds: rate.rounds + 1 } satisfies RemovalRate),
    );
    return pause;
  }

  /** Splits a batch's removal messages into those to deliver, hold, or dead-letter as rejected. */
  async sort<T>(tenantId: string, removals: ClaimedMessage<T>[]): Promise<RemovalSort<T>> {
    const sorted: RemovalSort<T> = { deliver: [], held: [], rejected: [] };
    if (removals.length === 0) return sorted;
    const pause = await this.pause(tenantId);
    for (const message of removals) {
      if (pause?.rejectedBefore != null && message.enqueuedAt <= pause.rejectedBefore)
        sorted.rejected.push(message);
      else if (pause?.state === 'paused') sorted.held.push(message);
      else sorted.deliver.push(message);
    }
    return sorted;
  }

  /** An admin's decision on a paused tenant; undefined when nothing is paused. */
  async decide(
    tenantId: string,
    decision: 'confirm' | 'reject',
    by: string,
  ): Promise<RemovalPause | undefined> {
    const pause = await this.pause(tenantId);
    if (pause?.state !== 'paused') return undefined;
    const now = this.clock.now();
    const decided: RemovalPause = {
      ...pause,
      state: decision === 'confirm' ? 'confirmed' : 'rejected',
      decidedAt: now,
      decidedBy: by,
      rejectedBefore: decision === 'reject' ? now : pause.rejectedBefore,
    };
    await this.checkpoints.set(tenantId, 'removal-pause', JSON.stringify(decided));
    return decided;
  }

  async #rate(tenantId: string): Promise<RemovalRate> {
    const text = await this.checkpoints.get(tenantId, 'removal-rate');
    return text ? (JSON.parse(text) as RemovalRate) : { average: 0, rounds: 0 };
  }
}
