import type { Clock } from '../clock.js';
import { coerceError, RetryableError } from '../errors.js';
import type { Logger } from '../log/logger.js';
import type { CheckpointStore } from '../sync/checkpoint-store.js';
import type {
  CrmActivity,
  CrmActivityTarget,
  MarketingInteraction,
  MarketingMailing,
} from '../sync/ports/index.js';
import type { SyncContext } from '../sync/sync-context.js';
import type { InteractionSettings } from '../tenants/tenant-settings.js';
import type { TenantStore } from '../tenants/tenant-store.js';
import { interactionKey } from './interaction-key.js';
import { emptyStatus, type InteractionStatus } from './interaction-stats.js';
import type { KnownContacts } from './known-contacts.js';

/** Activities per CRM call: Dataverse's $batch holds at most 1,000 operations. */
export const ACTIVITIES_PER_CALL = 1000;
/** Mailings remembered for their name and subject; a new mailing costs one lookup. */
const MAILINGS_REMEMBERED = 10_000;

export interface InteractionFeedDeps {
  tenants: TenantStore;
  /** A tenant's sync context (its connectors, identity map, contact states, checkpoints). */
  contextOf: (tenantId: string) => Promise<SyncContext>;
  clock: Clock;
  log: () => Logger;
  /** Where a tenant's first window starts; default when its feed first runs. */
  from?: number;
  /** Tells removed contacts from never-linked ones (counted apart). */
  known: KnownContacts;
  /** Replaces the context's checkpoint store (tests make it fail at the worst moment). */
  checkpoints?: CheckpointStore;
}

export interface InteractionPassResult {
  enabled: boolean;
  read: number;
  written: number;
  skippedUnlinked: number;
  skippedRemoved: number;
  hardBounceFlags: number;
}

/**
 * The third feed of a tenant: Mail+'s interaction feeds into Dataverse activities. A pass reads one
 * window of the four feeds (the Mail+ adapter keeps the contact feed's overlap and clock-skew care),
 * keeps only interactions of contacts koppel linked and still holds, writes them as activities upserted
 * by a deterministic key, and only then stores the window. A crash in between reads the window again
 * and writes the same rows again: no duplicate, nothing lost.
 */
export class InteractionFeed {
  readonly #status = new Map<string, InteractionStatus>();
  readonly #mailings = new Map<string, MarketingMailing | null>();

  constructor(private readonly deps: InteractionFeedDeps) {}

  /** The tenant's feed as the status API shows it; a tenant never run shows its switch only. */
  async status(tenantId: string): Promise<InteractionStatus> {
    const enabled = (await this.deps.tenants.settings(tenantId)).interactions.enabled === true;
    return { ...(this.#status.get(tenantId) ?? emptyStatus(enabled)), enabled };
  }

  /** One pass for the tenant; with the switch off nothing is read. */
  async run(tenantId: string): Promise<InteractionPassResult> {
    const settings = (await this.deps.tenants.settings(tenantId)).interactions;
    const result: InteractionPassResult = {
      enabled: settings.enabled === true,
      read: 0,
      written: 0,
      skippedUnlinked: 0,
      skippedRemoved: 0,
      hardBounceFlags: 0,
    };
    const status = this.#status.get(tenantId) ?? emptyStatus(result.enabled);
    status.enabled = result.enabled;
    this.#status.set(tenantId, status);
    if (!result.enabled) return result;
    try {
      await this.#pass(tenantId, settings, result, status);
    } catch (error) {
      const e = coerceError(error);
      status.errors++;
      status.lastErrorAt = this.deps.clock.now();
      status.lastErrorKind = e.name;
      this.deps
        .log()
        .error(
          { event: 'interactions.pass-failed', tenant: tenantId, error: e.name, reason: e.message },
          'interactions pass failed; its window is read again',
        );
      throw error;
    }
    status.lastReadAt = this.deps.clock.now();
    status.skipped.unlinked += result.skippedUnlinked;
    status.skipped.removed += result.skippedRemoved;
    this.deps
      .log()
      .info({ event: 'interactions.pass', tenant: tenantId, ...result }, 'interactions pass done');
    return result;
  }

  async #pass(
    tenantId: string,
    settings: InteractionSettings,
    result: InteractionPassResult,
    status: InteractionStatus,
  ): Promise<void> {
    const ctx = await this.deps.contextOf(tenantId);
    const checkpoints = this.deps.checkpoints ?? ctx.checkpoints;
    const position = await this.#position(ctx, checkpoints);
    const pass = ctx.mailplus.readInteractions(position);
    const target: CrmActivityTarget =
      settings.target === 'campaign-response'
        ? { kind: 'campaign-response', campaignId: settings.campaignId! }
        : { kind: 'custom-activity' };
    let pending: CrmActivity[] = [];
    for await (const page of pass) {
      result.read += page.length;
      pending.push(...(await this.#activitiesOf(ctx, page, result)));
      while (pending.length >= ACTIVITIES_PER_CALL) {
        await this.#write(ctx, pending.splice(0, ACTIVITIES_PER_CALL), target, settings, result, status);
      }
    }
    await this.#write(ctx, pending, target, settings, result, status);
    pending = [];
    // Only now: everything before this position is in the CRM (or was skipped on purpose).
    await checkpoints.set(tenantId, 'interactions', pass.position);
  }

  /** The stored window, or the first one: from now (on Mail+'s clock when that is behind koppel's). */
  async #position(ctx: SyncContext, checkpoints: CheckpointStore): Promise<string> {
    const stored = await checkpoints.get(ctx.tenantId, 'interactions');
    if (stored) return stored;
    const from = this.deps.from ?? this.deps.clock.now();
    const serviceNow = await ctx.mailplus.serviceTime(this.deps.clock.now());
    const start = ctx.mailplus.interactionsStart(Math.min(from, serviceNow ?? from));
    return checkpoints.setOnce(ctx.tenantId, 'interactions', start);
  }

  /** The page's interactions as activities, of linked contacts only; the others are counted. */
  async #activitiesOf(
    ctx: SyncContext,
    page: readonly MarketingInteraction[],
    result: InteractionPassResult,
  ): Promise<CrmActivity[]> {
    const contactIds = await ctx.identities.toDataverse(
      ctx.tenantId,
      page.map((i) => i.externalId),
    );
    const states = await ctx.states.getMany(ctx.tenantId, [...contactIds.values()]);
    const skipped = [...contactIds.values()].filter((id) => !states.get(id)?.inMailplus);
    const known = skipped.length > 0 ? await this.deps.known.known(ctx.tenantId, skipped) : new Set<string>();
    const activities: CrmActivity[] = [];
    for (const interaction of page) {
      const contactId = contactIds.get(interaction.externalId)!;
      if (!states.get(contactId)?.inMailplus) {
        if (known.has(contactId)) result.skippedRemoved++;
        else result.skippedUnlinked++;
        continue;
      }
      const mailing = await this.#mailing(ctx, interaction);
      activities.push({
        key: interactionKey(contactId, interaction.mailingId, interaction.type, interaction.at),
        contactId,
        type: interaction.type,
        at: interaction.at,
        mailingId: interaction.mailingId,
        mailingName: mailing?.name ?? null,
        subject: mailing?.subject ?? null,
        link: interaction.link ?? null,
        bounceType: interaction.bounceType ?? null,
      });
    }
    return activities;
  }

  /** Sent interactions name their mailing; for the others it is looked up once and remembered. */
  async #mailing(ctx: SyncContext, interaction: MarketingInteraction): Promise<MarketingMailing | null> {
    const cacheKey = `${ctx.tenantId}\n${interaction.mailingId}`;
    if (interaction.mailingName !== undefined && !this.#mailings.get(cacheKey)) {
      this.#remember(cacheKey, {
        id: interaction.mailingId,
        name: interaction.mailingName,
        subject: interaction.subject ?? null,
      });
    }
    if (!this.#mailings.has(cacheKey))
      this.#remember(cacheKey, await ctx.mailplus.mailing(interaction.mailingId));
    return this.#mailings.get(cacheKey) ?? null;
  }

  #remember(key: string, mailing: MarketingMailing | null): void {
    if (this.#mailings.size >= MAILINGS_REMEMBERED) this.#mailings.clear();
    this.#mailings.set(key, mailing);
  }

  /**
   * Writes one call's worth. A contact gone from the CRM is skipped (nothing can be written for it);
   * any other failure ends the pass before its window is stored, so the window is read again.
   */
  async #write(
    ctx: SyncContext,
    activities: CrmActivity[],
    target: CrmActivityTarget,
    settings: InteractionSettings,
    result: InteractionPassResult,
    status: InteractionStatus,
  ): Promise<void> {
    if (activities.length === 0) return;
    const outcomes = await ctx.dataverse.upsertActivities(activities, target);
    const failed = outcomes.flatMap((o) => (o.ok || o.contactMissing ? [] : [o.error]));
    const bounced = new Set<string>();
    for (const [i, outcome] of outcomes.entries()) {
      const activity = activities[i]!;
      if (!outcome.ok) {
        if (outcome.contactMissing) result.skippedRemoved++;
        continue;
      }
      result.written++;
      status.written[activity.type]++;
      status.lastInteractionAt = Math.max(status.lastInteractionAt ?? 0, activity.at);
      if (activity.bounceType === 'hard') bounced.add(activity.contactId);
    }
    if (settings.hardBounceColumn && bounced.size > 0) {
      const column = settings.hardBounceColumn;
      const flagged = await ctx.dataverse.updateMany(
        [...bounced].map((id) => ({ id, fields: { [column]: true } })),
      );
      result.hardBounceFlags += flagged.filter((o) => o.ok).length;
      failed.push(...flagged.flatMap((o) => (o.ok || o.notFound ? [] : [o.error])));
    }
    if (failed.length > 0) {
      throw new RetryableError(
        `${failed.length} of ${activities.length} interaction writes failed (first: ${failed[0]!.message}); the window is read again`,
        { service: 'dataverse' },
      );
    }
  }
}
