import { reasons } from './assessment-reasons.js';
import {
  availabilityCriteria,
  confidentialityCriteria,
  type Finding,
  integrityCriteria,
  peopleUpperBound,
  type Risk,
} from './edpb-criteria.js';
import { enisaSeverity, levelOf } from './enisa-severity.js';
import type { Assessment, AssessmentReason, IncidentFacts, SeverityLevel } from './facts-schema.js';

/**
 * The risk assessment of a breach from its structured facts: the ENISA severity, the EDPB criteria and
 * a recommendation (document only / notify the AP / notify the AP and the people concerned), each with
 * its reasons in Dutch and English. Pure and deterministic: no clock, no randomness, no I/O.
 *
 * How the parts combine:
 * 1. The ENISA severity (enisa-severity.ts) is computed from all facts and reported as is.
 * 2. The EDPB criteria (edpb-criteria.ts) look at each kind of loss. A loss that carries no risk
 *    (state-of-the-art encryption with a safe key, a trusted recipient who deleted the data, data
 *    altered but restored before use, a short outage without effect) is left out.
 * 3. If a loss of confidentiality or integrity remains, the ENISA level of what remains is the starting
 *    point, by the common mapping (breach.md §4.5): low = unlikely to result in a risk, medium = a risk,
 *    high or very high = a high risk. ENISA itself presents the score as an aid, and EDPB 9/2022 §IV
 *    names the ENISA method as one; the criteria that follow can only raise it.
 * 4. Each criterion that applies sets a floor ("at least notify the AP", "also tell the people"); the
 *    recommendation is the highest.
 * The DPO decides; the decision and its justification are recorded beside this advice.
 */
export function assess(facts: IncidentFacts): Assessment {
  const severity = enisaSeverity(facts);
  const out: AssessmentReason[] = [reasons.severity(severity), reasons.people(facts.people)];
  const result = (risk: Risk): Assessment => ({
    severity: { score: severity.score, level: severity.level },
    notifyAuthority: risk >= 1,
    notifyDataSubjects: risk >= 2,
    reasons: [...out, recommendation(risk), reasons.dpoDecides()],
    enisa: { method: severity.method, dpc: severity.dpc, ei: severity.ei, cb: severity.cb },
  });

  // No one's data: nothing can happen to anyone (still recorded, Art. 33(5)).
  if (peopleUpperBound(facts.people) === 0) {
    out.push(reasons.noPeople());
    return result(0);
  }
  // Art. 4(12): a breach is a loss of confidentiality, integrity or availability; without one there is
  // nothing to notify (the incident is recorded all the same).
  if (facts.confidentiality === 'none' && facts.integrity === 'none' && facts.availability === 'none') {
    out.push(reasons.noLoss());
    return result(0);
  }

  const c = confidentialityCriteria(facts);
  const i = integrityCriteria(facts);
  const a = availabilityCriteria(facts);
  let risk: Risk = 0;
  if (c.state === 'remains' || i.state === 'remains') {
    const { circumstances: cb } = severity;
    const remaining =
      severity.dpc * severity.ei +
      (c.state === 'remains' ? cb.confidentiality : 0) +
      (i.state === 'remains' ? cb.integrity : 0) +
      (a.state === 'settled' ? cb.availability : 0) +
      cb.malicious;
    const level = levelOf(remaining);
    if (remaining !== severity.score) out.push(reasons.decisionSeverity(remaining, level));
    out.push(reasons.severityMeaning(level));
    risk = riskOf(level);
  }
  // ENISA adds 0.5 only for an established intention; say what an unknown cause could still change.
  if (facts.cause === 'unknown') out.push(reasons.causeUnknown());
  const findings: Finding[] = [...c.findings, ...i.findings, ...a.findings];
  for (const finding of findings) {
    out.push(finding.reason);
    risk = Math.max(risk, finding.risk ?? 0) as Risk;
  }
  return result(risk);
}

function riskOf(level: SeverityLevel): Risk {
  return level === 'low' ? 0 : level === 'medium' ? 1 : 2;
}

function recommendation(risk: Risk): AssessmentReason {
  return risk === 0
    ? reasons.documentOnly()
    : risk === 1
      ? reasons.notifyAuthority()
      : reasons.notifySubjects();
}

/** The assessment as `koppel incidents assess` prints it: the reasons in one language. */
export function assessmentOutput(assessment: Assessment, lang: 'nl' | 'en') {
  return {
    severity: { score: assessment.severity.score, level: assessment.severity.level },
    notifyAuthority: assessment.notifyAuthority,
    notifyDataSubjects: assessment.notifyDataSubjects,
    reasons: assessment.reasons.map((r) => r[lang]),
  };
}
