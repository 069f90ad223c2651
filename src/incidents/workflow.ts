import { deadlineKey } from './incident-clocks.js';
import type { Actor, Deadline, Incident, IncidentState } from './incident-model.js';

/**
 * The fixed workflow of the breach register (docs/incidents.md). Every step is one of these; anything
 * else is refused with the reason. Two steps beyond the straight line:
 * - not-a-breach -> triage: new facts after a "not a breach" decision reopen the question (the earlier
 *   decision and its reasoning stay in the history).
 * - assessment -> follow-up: only when no customer is affected (the operator's own data), so there is
 *   nobody to inform.
 * Closed is final: new facts about a closed incident are a new incident.
 */
export const TRANSITIONS: Readonly<Record<IncidentState, readonly IncidentState[]>> = {
  reported: ['triage'],
  triage: ['not-a-breach', 'breach-confirmed'],
  'not-a-breach': ['closed', 'triage'],
  'breach-confirmed': ['assessment'],
  assessment: ['informing-customers', 'follow-up'],
  'informing-customers': ['customers-informed'],
  'customers-informed': ['follow-up'],
  'follow-up': ['closed'],
  closed: [],
};

/** Who may confirm a breach: the DPO, an admin, or an operator at the machine's shell (recorded). */
export const CONFIRM_ROLES: readonly Actor['role'][] = ['dpo', 'admin', 'cli'];
/** Only the DPO closes an incident (from the shell: `--as-dpo <username>`, an existing DPO account). */
export const CLOSE_ROLES: readonly Actor['role'][] = ['dpo'];

export class WorkflowError extends Error {
  constructor(
    message: string,
    /** A stable code for the API: 'illegal-transition', 'aware-at-required', 'role', ... */
    readonly code: string,
  ) {
    super(message);
    this.name = 'WorkflowError';
  }
}

export interface AdvanceInput {
  reason: string;
  awareAt?: number;
  delayReason?: string;
}

const allowedText = (from: IncidentState) => {
  const next = TRANSITIONS[from];
  return next.length === 0 ? 'nothing: a closed incident is final' : next.join(' or ');
};

const describeDeadline = (d: Deadline) =>
  `${d.name}${d.tenantId ? ` for ${d.tenantId}` : ''} (due ${new Date(d.due).toISOString()})`;

/**
 * Checks one step, throwing a WorkflowError that names what is wrong. `missed` are our deadlines that
 * passed without the step they guard and whose delay no earlier step explained (unexplainedMissed).
 * Returns the deadline keys the delay reason explains.
 */
export function checkTransition(
  incident: Incident,
  to: IncidentState,
  input: AdvanceInput,
  actor: Actor,
  now: number,
  missed: readonly Deadline[],
): string[] {
  const from = incident.state;
  if (!TRANSITIONS[from].includes(to))
    throw new WorkflowError(
      `refused: incident ${incident.id} cannot move from ${from} to ${to}; from ${from} it can move to ${allowedText(from)}`,
      'illegal-transition',
    );
  if (!input.reason || input.reason.trim() === '')
    throw new WorkflowError(
      `refused: moving incident ${incident.id} from ${from} to ${to} needs a reason (reason must not be empty)`,
      'reason-required',
    );
  if (to === 'breach-confirmed') {
    if (!CONFIRM_ROLES.includes(actor.role))
      throw new WorkflowError(
        `refused: only the dpo or an admin may confirm a breach (${actor.actor} has role ${actor.role})`,
        'role',
      );
    if (input.awareAt === undefined || !Number.isFinite(input.awareAt))
      throw new WorkflowError(
        `refused: confirming a breach needs awareAt, the moment of awareness (reasonable certainty that personal data were compromised; EDPB 9/2022), which starts the clocks`,
        'aware-at-required',
      );
    if (input.awareAt > now)
      throw new WorkflowError(
        `refused: awareAt ${new Date(input.awareAt).toISOString()} is in the future`,
        'aware-at-invalid',
      );
    if (input.awareAt < incident.detectedAt)
      throw new WorkflowError(
        `refused: awareAt ${new Date(input.awareAt).toISOString()} is before the incident was detected (${new Date(incident.detectedAt).toISOString()})`,
        'aware-at-invalid',
      );
  } else if (input.awareAt !== undefined) {
    throw new WorkflowError(
      `refused: awareAt is set only when a breach is confirmed (this step is ${from} -> ${to})`,
      'aware-at-not-allowed',
    );
  }
  if (to === 'closed') {
    if (!CLOSE_ROLES.includes(actor.role))
      throw new WorkflowError(
        `refused: only the DPO may close an incident (${actor.actor} has role ${actor.role}; from the shell use --as-dpo <username>)`,
        'role',
      );
    if (!incident.lessonsLearned)
      throw new WorkflowError(
        `refused: closing incident ${incident.id} needs the lessons learned recorded first (koppel incidents lessons ${incident.id} --text ...)`,
        'lessons-required',
      );
  }
  if (to === 'follow-up' && from === 'assessment' && incident.tenants.length > 0)
    throw new WorkflowError(
      `refused: incident ${incident.id} involves customers (${incident.tenants.join(', ')}): from assessment it moves to informing-customers; follow-up directly only when no customer is affected`,
      'illegal-transition',
    );
  if (missed.length > 0 && (!input.delayReason || input.delayReason.trim() === ''))
    throw new WorkflowError(
      `refused: the deadline ${missed.map(describeDeadline).join(', ')} has passed; this step needs delayReason, the reason for the delay (it goes into the AP preparation sheet)`,
      'delay-reason-required',
    );
  return input.delayReason && missed.length > 0 ? missed.map(deadlineKey) : [];
}
