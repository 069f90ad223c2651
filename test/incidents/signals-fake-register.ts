import type { Clock } from '../../src/clock.js';
import type { Actor, Incident, IncidentEventBody, SignalRef } from '../../src/incidents/incident-model.js';
import type { SignalRegister } from '../../src/incidents/signals/signal-watcher.js';

/**
 * The register as the signal watcher sees it, in memory: report opens an incident in state reported,
 * append adds to its history, and the signal's count and last time follow its signal-repeated events
 * (as the real register derives them). Until the real register is on main.
 */
export class FakeRegister implements SignalRegister {
  readonly incidents: Incident[] = [];
  /** How many times report was called (the real register e-mails the DPO each time). */
  reports = 0;

  constructor(private readonly clock: Clock) {}

  async report(
    input: {
      title: string;
      summary?: string;
      tenants: string[];
      detectedAt?: number;
      signal?: SignalRef | null;
    },
    actor: Actor,
  ): Promise<Incident> {
    this.reports++;
    const at = this.clock.now();
    const body: IncidentEventBody = {
      type: 'reported',
      title: input.title,
      summary: input.summary ?? '',
      tenants: input.tenants,
      detectedAt: input.detectedAt ?? at,
      operatorIsController: false,
      signal: input.signal ?? null,
    };
    const incident = {
      id: `inc-${this.incidents.length + 1}`,
      title: input.title,
      summary: input.summary ?? '',
      state: 'reported',
      tenants: input.tenants,
      reportedAt: at,
      reportedBy: actor.actor,
      detectedAt: body.detectedAt,
      awareAt: null,
      operatorIsController: false,
      signal: input.signal ? { ...input.signal } : null,
      events: [{ incidentId: `inc-${this.incidents.length + 1}`, seq: 1, at, actor, body }],
    } as unknown as Incident;
    this.incidents.push(incident);
    return incident;
  }

  async append(id: string, body: IncidentEventBody, actor: Actor): Promise<Incident> {
    const incident = this.incidents.find((i) => i.id === id);
    if (!incident) throw new Error(`no incident ${id}`);
    incident.events.push({
      incidentId: id,
      seq: incident.events.length + 1,
      at: this.clock.now(),
      actor,
      body,
    });
    if (body.type === 'signal-repeated' && incident.signal) {
      incident.signal.count++;
      incident.signal.lastAt = Math.max(incident.signal.lastAt, body.at);
    }
    return incident;
  }

  async list(filter: { open?: boolean } = {}): Promise<Incident[]> {
    return this.incidents.filter((i) => !filter.open || (i.state !== 'closed' && i.state !== 'not-a-breach'));
  }

  /** The incidents a signal of this kind opened. */
  of(kind: string): Incident[] {
    return this.incidents.filter((i) => i.signal?.kind === kind);
  }
}
