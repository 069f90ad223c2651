import type { Clock } from '../../src/clock.js';
import type { IncidentRegisterPort } from '../../src/incidents/escalation.js';
import type { IncidentFacts } from '../../src/incidents/facts-schema.js';
import type {
  Actor,
  Incident,
  IncidentEventBody,
  IncidentState,
} from '../../src/incidents/incident-model.js';

/** The transitions the escalation uses; anything else is refused, as the register would. */
const ALLOWED: Record<string, IncidentState[]> = {
  assessment: ['informing-customers'],
  'informing-customers': ['customers-informed'],
  'customers-informed': ['follow-up'],
};

export class FakeWorkflowError extends Error {}

/** An in-memory stand-in for the incident register: append-only events, a derived state. */
export class FakeRegister implements IncidentRegisterPort {
  readonly #incidents = new Map<string, Incident>();
  /** When set, advance refuses with this reason (to test that a refusal is recorded). */
  refuseAdvance: string | null = null;

  constructor(private readonly clock: Clock) {}

  create(
    id: string,
    tenants: string[],
    facts: IncidentFacts | null,
    state: IncidentState = 'assessment',
  ): Incident {
    const now = this.clock.now();
    const incident: Incident = {
      id,
      title: 'Test incident: export file on a public share',
      summary: 'A synthetic incident for the escalation test.',
      state,
      tenants,
      reportedAt: now,
      reportedBy: 'test',
      detectedAt: now - 3_600_000,
      awareAt: now - 1_800_000,
      operatorIsController: false,
      signal: null,
      effects: '',
      facts,
      assessment: null,
      decisions: [],
      measuresTaken: ['the share was closed'],
      measuresPlanned: [],
      evidence: [],
      lessonsLearned: null,
      delayReasons: [],
      closedAt: null,
      timeline: [],
      events: [],
    };
    this.#incidents.set(id, incident);
    return structuredClone(incident);
  }

  async get(id: string): Promise<Incident> {
    const found = this.#incidents.get(id);
    if (!found) throw new Error(`no incident ${id}`);
    return structuredClone(found);
  }

  async list(filter: { open?: boolean; state?: IncidentState } = {}): Promise<Incident[]> {
    return [...this.#incidents.values()]
      .filter((i) => !filter.state || i.state === filter.state)
      .map((i) => structuredClone(i));
  }

  async append(id: string, body: IncidentEventBody, actor: Actor): Promise<Incident> {
    const incident = this.#incidents.get(id)!;
    incident.events.push({
      incidentId: id,
      seq: incident.events.length + 1,
      at: this.clock.now(),
      actor,
      body,
    });
    return this.get(id);
  }

  async advance(id: string, to: IncidentState, input: { reason: string }, actor: Actor): Promise<Incident> {
    const incident = this.#incidents.get(id)!;
    if (this.refuseAdvance) throw new FakeWorkflowError(this.refuseAdvance);
    if (!ALLOWED[incident.state]?.includes(to))
      throw new FakeWorkflowError(`cannot go from ${incident.state} to ${to}`);
    await this.append(id, { type: 'transitioned', from: incident.state, to, reason: input.reason }, actor);
    incident.state = to;
    return this.get(id);
  }
}
