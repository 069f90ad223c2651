import { assess } from './assess.js';
import type { Assessment, IncidentFacts } from './facts-schema.js';
import type { Actor, Incident, IncidentEventBody } from './incident-model.js';

/** The part of the register (incident-register.ts) that recording an assessment needs. */
export interface AssessmentRegister {
  get(id: string): Promise<Incident>;
  append(id: string, body: IncidentEventBody, actor: Actor): Promise<Incident>;
}

/** A refused decision: what is wrong and what to do, for the CLI's stderr and the API's 400. */
export class DecisionError extends Error {}

/**
 * Records the facts and the assessment made from them as two events, so the history shows both what
 * was known and what koppel advised at that moment (Art. 33(5): the facts and the reasoning).
 */
export async function recordAssessment(
  register: AssessmentRegister,
  id: string,
  facts: IncidentFacts,
  actor: Actor,
): Promise<{ incident: Incident; assessment: Assessment }> {
  await register.get(id); // an unknown id fails before anything is written
  const assessment = assess(facts);
  await register.append(id, { type: 'facts-recorded', facts }, actor);
  const incident = await register.append(id, { type: 'assessed', assessment }, actor);
  return { incident, assessment };
}

export interface DecisionInput {
  notifyAuthority: boolean;
  notifyDataSubjects: boolean;
  /** Required when the decision differs from the recommendation. */
  reason?: string | undefined;
}

const yesNo = (b: boolean) => (b ? 'yes' : 'no');

/**
 * The DPO's decision on notifying, recorded beside the recommendation (two `decided` events:
 * notify-authority and notify-data-subjects). The DPO may decide otherwise than advised, but then must
 * say why: the register has to show the reasoning, above all for a decision not to notify (EDPB 9/2022
 * §V; Art. 33(5)).
 */
export async function recordDecision(
  register: AssessmentRegister,
  id: string,
  input: DecisionInput,
  actor: Actor,
): Promise<{ incident: Incident; followsRecommendation: boolean }> {
  const incident = await register.get(id);
  const recommended = incident.assessment;
  if (!recommended)
    throw new DecisionError(
      `incident ${id} has no assessment yet: record the facts first (koppel incidents assess <facts.json> --incident ${id})`,
    );
  // A high risk is always a risk: informing the people (Art. 34) without notifying the authority
  // (Art. 33) cannot be right.
  if (input.notifyDataSubjects && !input.notifyAuthority)
    throw new DecisionError(
      'notifying the people concerned without notifying the AP is not possible: a high risk to them is always a risk that the AP must hear of',
    );
  const reason = input.reason?.trim() ?? '';
  const follows =
    input.notifyAuthority === recommended.notifyAuthority &&
    input.notifyDataSubjects === recommended.notifyDataSubjects;
  if (!follows && reason === '')
    throw new DecisionError(
      `the decision (notify the AP: ${yesNo(input.notifyAuthority)}, notify the people: ${yesNo(input.notifyDataSubjects)}) differs from the recommendation (notify the AP: ${yesNo(recommended.notifyAuthority)}, notify the people: ${yesNo(recommended.notifyDataSubjects)}): give the justification with --reason`,
    );
  if (reason.length > 4000) throw new DecisionError('the reason must be at most 4000 characters');
  const reasoning = reason === '' ? 'as recommended by the assessment' : reason;
  await register.append(
    id,
    { type: 'decided', decision: { topic: 'notify-authority', value: input.notifyAuthority, reasoning } },
    actor,
  );
  const updated = await register.append(
    id,
    {
      type: 'decided',
      decision: { topic: 'notify-data-subjects', value: input.notifyDataSubjects, reasoning },
    },
    actor,
  );
  return { incident: updated, followsRecommendation: follows };
}
