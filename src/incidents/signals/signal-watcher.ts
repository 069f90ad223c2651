import type { Kysely } from 'kysely';
import type { Clock } from '../../clock.js';
import type { SignalsConfig } from '../../config/config-schema.js';
import type { Database } from '../../store/schema.js';
import {
  type Actor,
  type Incident,
  type IncidentEventBody,
  type SignalRef,
  SYSTEM_ACTOR,
} from '../incident-model.js';
import { decideSignal, parse, type SignalDecision, type StoredSecurityEvent } from './signal-rules.js';

/** What the watcher needs of the register (src/incidents/incident-register.ts). */
export interface SignalRegister {
  report(
    input: {
      title: string;
      summary?: string;
      tenants: string[];
      detectedAt?: number;
      signal?: SignalRef | null;
    },
    actor: Actor,
  ): Promise<Incident>;
  append(id: string, body: IncidentEventBody, actor: Actor): Promise<Incident>;
  list(filter?: { open?: boolean }): Promise<Incident[]>;
}

export interface SignalWatcherDeps {
  db: Kysely<Database>;
  clock: Clock;
  register: SignalRegister;
  config: SignalsConfig;
}

export interface SignalPass {
  /** Security events read and marked handled. */
  handled: number;
  /** Incidents opened (state reported; the register e-mails the DPO). */
  opened: string[];
  /** Events folded into an open incident of the same signal within the fold window. */
  folded: number;
}

const BATCH = 100;

/**
 * Turns security events into suspected incidents. `runDue` reads the unhandled events in the order
 * they were recorded, opens an incident for each that is a signal (or folds it into the open incident
 * of the same kind and tenant whose last signal is less than `foldMinutes` old) and marks it handled.
 * The event stays unhandled until its incident exists, so a crash loses none; the incident carries
 * the event's id, so a watcher that reads it again after a crash sees it applied and does not apply
 * it twice. Run it in one process (`koppel run` calls it on an interval).
 */
export class SignalWatcher {
  /** Its name among `koppel run`'s due jobs (incidents/due-jobs.ts). */
  readonly name = 'signals';

  constructor(private readonly deps: SignalWatcherDeps) {}

  async runDue(): Promise<SignalPass> {
    const pass: SignalPass = { handled: 0, opened: [], folded: 0 };
    let open = await this.#openSignalled();
    for (let after = 0; ; ) {
      const events = await this.#unhandled(after);
      if (events.length === 0) return pass;
      for (const event of events) {
        after = event.id;
        const decision = applied(open, event.id)
          ? null
          : await decideSignal(this.deps.db, this.deps.config, event);
        if (decision) {
          const target = this.#foldTarget(open, decision, event.occurredAt);
          if (target) {
            await this.deps.register.append(
              target.id,
              { type: 'signal-repeated', kind: decision.kind, at: event.occurredAt, eventId: event.id },
              SYSTEM_ACTOR,
            );
            pass.folded++;
          } else {
            pass.opened.push((await this.#report(decision, event)).id);
          }
          open = await this.#openSignalled();
        }
        await this.#markHandled(event.id);
        pass.handled++;
      }
    }
  }

  async #report(decision: SignalDecision, event: StoredSecurityEvent): Promise<Incident> {
    const signal: SignalRef = {
      kind: decision.kind,
      tenantId: decision.tenantId,
      count: 1,
      firstAt: event.occurredAt,
      lastAt: event.occurredAt,
      eventId: event.id,
    };
    return this.deps.register.report(
      {
        title: decision.title,
        summary: decision.summary,
        tenants: await this.#existing(decision.tenants),
        detectedAt: event.occurredAt,
        signal,
      },
      SYSTEM_ACTOR,
    );
  }

  #foldTarget(open: Incident[], decision: SignalDecision, at: number): Incident | undefined {
    const windowMs = this.deps.config.foldMinutes * 60_000;
    return open.find(
      (incident) =>
        incident.signal?.kind === decision.kind &&
        incident.signal.tenantId === decision.tenantId &&
        at - lastSignalAt(incident) < windowMs,
    );
  }

  /**
   * The register accepts only tenants it knows: an event may name one that never was (a queue of an
   * id without a tenant) or is gone; its id stays in the summary and the event.
   */
  async #existing(tenants: string[]): Promise<string[]> {
    if (tenants.length === 0) return [];
    const rows = await this.deps.db.selectFrom('tenants').select('id').where('id', 'in', tenants).execute();
    const known = new Set(rows.map((r) => r.id));
    return tenants.filter((t) => known.has(t));
  }

  async #openSignalled(): Promise<Incident[]> {
    return (await this.deps.register.list({ open: true })).filter((incident) => incident.signal);
  }

  async #unhandled(after: number): Promise<StoredSecurityEvent[]> {
    const rows = await this.deps.db
      .selectFrom('security_events')
      .selectAll()
      .where('handled_at', 'is', null)
      .where('id', '>', after)
      .orderBy('id')
      .limit(BATCH)
      .execute();
    return rows.map((row) => ({
      id: Number(row.id),
      kind: row.kind,
      tenantId: row.tenant_id,
      subject: row.subject,
      detail: parse(row.detail),
      occurredAt: Number(row.occurred_at),
    }));
  }

  async #markHandled(id: number): Promise<void> {
    await this.deps.db
      .updateTable('security_events')
      .set({ handled_at: this.deps.clock.now() })
      .where('id', '=', id)
      .where('handled_at', 'is', null)
      .execute();
  }
}

/** When the incident's signal last fired: its first event or the latest one folded in. */
export function lastSignalAt(incident: Incident): number {
  let last = incident.signal?.firstAt ?? 0;
  for (const { body } of incident.events)
    if (body.type === 'signal-repeated' && body.at > last) last = body.at;
  return Math.max(last, incident.signal?.lastAt ?? 0);
}

/** Whether an open incident already carries this event (applied before a crash kept it unhandled). */
function applied(open: Incident[], eventId: number): boolean {
  return open.some(
    (incident) =>
      incident.signal?.eventId === eventId ||
      incident.events.some(
        ({ body }) =>
          (body.type === 'signal-repeated' && body.eventId === eventId) ||
          (body.type === 'reported' && body.signal?.eventId === eventId),
      ),
  );
}
