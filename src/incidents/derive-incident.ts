import type { Incident, IncidentEvent, IncidentEventBody, TimelineEntry } from './incident-model.js';

export class IncidentHistoryError extends Error {}

const iso = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');

/** One event in plain words, for the timeline (English; ids and facts only, as recorded). */
export function describeEvent(body: IncidentEventBody): string {
  switch (body.type) {
    case 'reported':
      return `reported: ${body.title}${body.tenants.length > 0 ? ` (customers ${body.tenants.join(', ')})` : ''}${body.signal ? `, by automatic signal ${body.signal.kind}` : ''}; detected ${iso(body.detectedAt)}`;
    case 'transitioned':
      return `moved from ${body.from} to ${body.to}: ${body.reason}${body.awareAt !== undefined ? `; aware since ${iso(body.awareAt)}` : ''}${body.delayReason ? `; reason for the delay (${(body.delayFor ?? []).join(', ')}): ${body.delayReason}` : ''}`;
    case 'edited':
      return `edited ${Object.keys(body)
        .filter((k) => k !== 'type')
        .join(', ')}`;
    case 'facts-recorded':
      return 'structured facts recorded';
    case 'assessed':
      return `risk assessed: severity ${body.assessment.severity.level} (${body.assessment.severity.score}); notify the AP: ${body.assessment.notifyAuthority ? 'yes' : 'no'}; notify the people concerned: ${body.assessment.notifyDataSubjects ? 'yes' : 'no'}`;
    case 'decided':
      return `decided ${body.decision.topic}: ${String(body.decision.value)}, because ${body.decision.reasoning}`;
    case 'measure':
      return `measure ${body.kind}: ${body.text}`;
    case 'note':
      return `note: ${body.text}`;
    case 'evidence-added':
      return `evidence added: ${body.evidence.name} (${body.evidence.bytes} bytes, sha256 ${body.evidence.sha256})`;
    case 'signal-repeated':
      return `automatic signal ${body.kind} fired again at ${iso(body.at)}`;
    case 'lessons-learned':
      return `lessons learned: ${body.text}`;
    case 'notice-attempt':
      return `notice to customer ${body.tenantId}, contact ${body.contactIndex + 1}, by ${body.channel}: ${body.outcome}${body.detail ? ` (${body.detail})` : ''}`;
    case 'acknowledged':
      return `customer ${body.tenantId} acknowledged (contact ${body.contactIndex + 1}, by ${body.via === 'code' ? 'acknowledgement code' : 'phone'})`;
    case 'follow-up-sent':
      return `follow-up notice ${body.number} sent to customer ${body.tenantId} (contact ${body.contactIndex + 1})`;
    case 'reminder-sent':
      return `${body.recipients === 0 ? 'reminder due but not sent (no address is set)' : 'reminder sent'}: ${Math.round(body.fraction * 100)}% of the ${body.deadline} deadline${body.tenantId ? ` for ${body.tenantId}` : ''} has passed`;
    case 'escalation-alert':
      return `customer ${body.tenantId} not reached (${body.reason === 'no-contacts' ? 'no contacts' : `every contact tried, round ${body.round}`}): the DPO and operators were alerted`;
  }
}

/**
 * The current state of an incident from its history, in order. Pure: the same events give the same
 * incident. The first event must be `reported`; every later one changes only what it names.
 */
export function deriveIncident(id: string, events: readonly IncidentEvent[]): Incident {
  const first = events[0];
  if (first?.body.type !== 'reported')
    throw new IncidentHistoryError(`incident ${id}: its history does not start with a report`);
  const r = first.body;
  const incident: Incident = {
    id,
    title: r.title,
    summary: r.summary,
    state: 'reported',
    tenants: [...r.tenants],
    reportedAt: first.at,
    reportedBy: first.actor.actor,
    detectedAt: r.detectedAt,
    awareAt: null,
    operatorIsController: r.operatorIsController,
    signal: r.signal ? { ...r.signal } : null,
    effects: '',
    facts: null,
    assessment: null,
    decisions: [],
    measuresTaken: [],
    measuresPlanned: [],
    evidence: [],
    lessonsLearned: null,
    delayReasons: [],
    closedAt: null,
    timeline: [],
    events: [...events],
  };
  const timeline: TimelineEntry[] = [];
  for (const event of events) {
    apply(incident, event);
    timeline.push({ at: event.at, by: event.actor.actor, text: describeEvent(event.body) });
  }
  incident.timeline = timeline;
  return incident;
}

function apply(incident: Incident, event: IncidentEvent): void {
  const body = event.body;
  const by = event.actor.actor;
  switch (body.type) {
    case 'reported':
      if (event.seq !== 1)
        throw new IncidentHistoryError(`incident ${incident.id}: a second report at ${event.seq}`);
      return;
    case 'transitioned':
      incident.state = body.to;
      if (body.awareAt !== undefined) incident.awareAt = body.awareAt;
      if (body.delayReason) incident.delayReasons.push(body.delayReason);
      if (body.to === 'closed') incident.closedAt = event.at;
      // The reasoning for a breach or for "not a breach" is a decision the AP may ask to see (Art. 33(5)).
      if (body.to === 'breach-confirmed' || body.to === 'not-a-breach')
        incident.decisions.push({ at: event.at, by, topic: body.to, value: true, reasoning: body.reason });
      return;
    case 'edited':
      if (body.title !== undefined) incident.title = body.title;
      if (body.summary !== undefined) incident.summary = body.summary;
      if (body.effects !== undefined) incident.effects = body.effects;
      if (body.tenants !== undefined) incident.tenants = [...body.tenants];
      return;
    case 'facts-recorded':
      incident.facts = body.facts;
      return;
    case 'assessed':
      incident.assessment = body.assessment;
      return;
    case 'decided':
      incident.decisions.push({ at: event.at, by, ...body.decision });
      return;
    case 'measure':
      (body.kind === 'taken' ? incident.measuresTaken : incident.measuresPlanned).push(body.text);
      return;
    case 'evidence-added':
      incident.evidence.push({ ...body.evidence, addedAt: event.at, addedBy: by });
      return;
    case 'lessons-learned':
      incident.lessonsLearned = body.text;
      return;
    case 'signal-repeated':
      // A duplicate signal folded in (src/incidents/signals): how often it fired, and when last.
      if (incident.signal) {
        incident.signal.count++;
        incident.signal.lastAt = Math.max(incident.signal.lastAt, body.at);
      }
      return;
    default:
      // Notes, signals, notices, acknowledgements and reminders are history only: the timeline and the
      // clocks read them from incident.events.
      return;
  }
}

/** What a listing shows of an incident, the same in the CLI's --json and the API: ids, state, times. */
export const incidentSummary = (i: Incident) => ({
  id: i.id,
  title: i.title,
  state: i.state,
  tenants: i.tenants,
  reportedAt: i.reportedAt,
  awareAt: i.awareAt,
  closedAt: i.closedAt,
});
