import { reasons } from './assessment-reasons.js';
import type { AssessmentReason, IncidentFacts } from './facts-schema.js';

/**
 * The EDPB criteria for the risk of a breach (Guidelines 9/2022 on personal data breach notification,
 * §IV "Assessing risk and high risk", the Art. 34(3) exceptions, and the Annex B examples; summarised in
 * ../shared/research/breach.md §3.5, §3.6 and §3.8). Each rule looks at one kind of loss
 * (confidentiality, integrity, availability) and either takes the risk of that loss away (the loss
 * carries no risk) or sets a floor for the risk ("at least notify the AP", "also tell the people").
 *
 * Risk levels: 0 = unlikely to result in a risk (document only), 1 = a risk (notify the AP, Art. 33),
 * 2 = a high risk (also inform the people concerned, Art. 34).
 */
export type Risk = 0 | 1 | 2;

export interface Finding {
  reason: AssessmentReason;
  /** The risk is at least this (absent: the finding explains, it does not raise). */
  risk?: Risk;
}

export interface LossCriteria {
  /**
   * absent: this kind of loss did not happen; remains: it happened and counts in the ENISA score used
   * for the decision; harmless: it happened but carries no risk; settled: a rule fixed its risk, the
   * score no longer decides it.
   */
  state: 'absent' | 'remains' | 'harmless' | 'settled';
  findings: Finding[];
}

/**
 * "A large number of individuals" aggravates (ENISA §4.5, outside the formula; EDPB factor "number of
 * affected individuals"; Annex B x: notifying "may be obligatory if a large number of individuals are
 * affected"). Neither text gives a number; 1000 is our choice, after Annex B ix (a mailing list with
 * more than 1000 recipients), and documented in docs/incident-facts.md.
 */
export const MANY_PEOPLE = 1000;

/** The largest number of people the facts allow (the range's max). */
export function peopleUpperBound(people: IncidentFacts['people']): number {
  return 'count' in people ? people.count : people.max;
}

/** Art. 9 and Art. 10 data: the GDPR's most protected kinds, both scored "sensitive" by ENISA. */
export function hasSensitiveData(facts: IncidentFacts): boolean {
  return (
    facts.data.includes('special-category') ||
    facts.data.includes('criminal') ||
    facts.specialCategories.length > 0
  );
}

const any = (facts: IncidentFacts, categories: IncidentFacts['data']) =>
  categories.some((c) => facts.data.includes(c));

/**
 * Art. 34(3)(a) and EDPB 9/2022 §II.D/§III.B: data rendered unintelligible to anyone not authorised, by
 * state-of-the-art encryption or hashing whose key (or secret) is not compromised, carry no risk when
 * their confidentiality is lost. Annex B i: an encrypted backup on a stolen USB key need not be
 * notified "as long as the key is not compromised". Pseudonymisation does not qualify: pseudonymised
 * data are still personal data (Recital 26); it lowers the identifiability the DPO states instead.
 */
function protectionFindings(facts: IncidentFacts): { unintelligible: boolean; findings: Finding[] } {
  const { state, stateOfTheArt, keyCompromised } = facts.protection;
  if (state === 'encrypted' || state === 'hashed') {
    if (stateOfTheArt && !keyCompromised)
      return { unintelligible: true, findings: [{ reason: reasons.unintelligible(state) }] };
    return { unintelligible: false, findings: [{ reason: reasons.protectionWeak(state, keyCompromised) }] };
  }
  if (state === 'pseudonymised')
    return { unintelligible: false, findings: [{ reason: reasons.pseudonymised() }] };
  return { unintelligible: false, findings: [] };
}

export function confidentialityCriteria(facts: IncidentFacts): LossCriteria {
  if (facts.confidentiality === 'none') return { state: 'absent', findings: [] };
  const protection = protectionFindings(facts);
  if (protection.unintelligible) return { state: 'harmless', findings: protection.findings };
  const findings = [...protection.findings];
  const sensitive = hasSensitiveData(facts);
  const vulnerable = facts.people.vulnerable;

  // EDPB 9/2022 §IV (severity: "whether the recipients are trusted"): data sent by mistake to a
  // trusted recipient (bound to confidentiality) who confirms deletion will not be misused, so the
  // loss carries no risk. EDPB 01/2021 (the accidental e-mail to a trusted third party) makes this
  // conditional on no sensitive data being involved; with sensitive data or vulnerable people we still
  // recommend notifying the AP, but a high risk is not likely once the data are deleted. Only when the
  // trusted recipient is all there is: data that also went to unknown people or were taken are not
  // made safe by one recipient's deletion.
  const onlyTrusted = facts.confidentiality !== 'unknown-recipients' && facts.exfiltration !== 'confirmed';
  if (facts.recipient.kind === 'trusted' && facts.recipient.confirmedDeleted && onlyTrusted) {
    if (sensitive || vulnerable)
      return {
        state: 'settled',
        findings: [...findings, { reason: reasons.trustedDeletedSensitive(), risk: 1 }],
      };
    return { state: 'harmless', findings: [...findings, { reason: reasons.trustedDeleted() }] };
  }
  if (facts.recipient.kind === 'trusted') findings.push({ reason: reasons.trustedNotDeleted() });

  // Did (or could) the data reach someone else? Only an exposure without any recipient (kind none,
  // e.g. an open share that the access log shows nobody opened) counts as exposure only; a lost or
  // stolen device has an unknown recipient.
  const reachedOthers =
    facts.confidentiality === 'known-recipients' ||
    facts.confidentiality === 'unknown-recipients' ||
    facts.exfiltration === 'confirmed' ||
    facts.recipient.kind === 'untrusted' ||
    facts.recipient.kind === 'unknown' ||
    facts.recipient.kind === 'public';
  // ... and did it reach people we cannot ask to delete it?
  const wide =
    facts.confidentiality === 'unknown-recipients' ||
    facts.recipient.kind === 'public' ||
    facts.exfiltration === 'confirmed';

  // EDPB 9/2022 §IV (nature and sensitivity of the data; para. on delayed notifications: "if special
  // categories of personal data are disclosed online ... communicate it to the individuals"): disclosed
  // special-category or criminal data are a high risk (discrimination, reputational damage).
  if (sensitive)
    findings.push({ reason: reasons.specialExposed(reachedOthers), risk: reachedOthers ? 2 : 1 });
  // EDPB 9/2022 §IV (special characteristics of the individual: children, vulnerable people).
  if (vulnerable)
    findings.push({ reason: reasons.vulnerableExposed(reachedOthers), risk: reachedOthers ? 2 : 1 });
  // Credentials and payment cards can be used at once (account takeover, fraud); Annex B vi (usernames
  // and passwords published: inform the people) and x (a mail with initial passwords: high-risk factor).
  // Informing the people lets them change the password or block the card (EDPB §III: specific advice).
  if (reachedOthers && any(facts, ['credentials', 'payment-card']))
    findings.push({ reason: reasons.misuseData(), risk: 2 });
  // EDPB 9/2022 §IV (severity: identity theft or fraud, financial loss). Spread widely, such data are a
  // high risk; reaching one unauthorised recipient they are at least a risk (Annex B v: a bank statement
  // sent to another customer is notified to the SA).
  if (reachedOthers && any(facts, ['financial', 'national-id', 'identity-document']))
    findings.push({ reason: reasons.identityData(wide), risk: wide ? 2 : 1 });
  if (peopleUpperBound(facts.people) >= MANY_PEOPLE)
    findings.push({ reason: reasons.manyPeople(facts.people), risk: 1 });
  // Annex B ii: data exfiltrated in a cyber-attack are notified to the SA when consequences for the
  // people are likely; data in an attacker's hands are out of our control, so we presume they are.
  if (facts.exfiltration === 'confirmed') findings.push({ reason: reasons.exfiltrated(), risk: 1 });
  // Not yet known: the advice may change when the investigation ends (EDPB 9/2022: notify in phases).
  if (facts.exfiltration === 'possible') findings.push({ reason: reasons.exfiltrationPossible() });
  if (facts.recipient.kind === 'public') findings.push({ reason: reasons.published(), risk: 1 });
  return { state: 'remains', findings };
}

export function integrityCriteria(facts: IncidentFacts): LossCriteria {
  if (facts.integrity === 'none') return { state: 'absent', findings: [] };
  // ENISA scores "altered but no identified incorrect or illegal use (or recovered before use)" at 0:
  // nothing wrong was done with the altered data, so no one is harmed.
  if (facts.integrity === 'altered-not-used')
    return { state: 'harmless', findings: [{ reason: reasons.integrityNotUsed() }] };
  const findings: Finding[] = [];
  // EDPB 9/2022 §IV (permanence of the consequences): data that stay wrong keep causing harm.
  if (facts.integrity === 'altered-unrecoverable')
    findings.push({ reason: reasons.integrityUnrecoverable(), risk: 1 });
  if (hasSensitiveData(facts)) findings.push({ reason: reasons.integritySensitive(), risk: 1 });
  return { state: 'remains', findings };
}

/**
 * For a loss of availability the EDPB criteria are the backup, the time to restore and what the
 * unavailability means for the people (Annex B iii, iv, viii). The facts state that effect directly
 * (availabilityImpact), so these rules decide the availability part; the ENISA score, which measures the
 * data set, is used for it only together with a loss of confidentiality or integrity.
 */
export function availabilityCriteria(facts: IncidentFacts): LossCriteria {
  const { availability, availabilityImpact: impact, unavailableHours: hours, backupAvailable } = facts;
  if (availability === 'none') return { state: 'absent', findings: [] };
  // ENISA: "recoverable without any difficulty (another copy exists)"; Annex B iv: with a backup and no
  // effect on the people, notification may not be needed.
  if (availability === 'restored-without-difficulty' && (impact === 'none' || impact === 'inconvenience'))
    return { state: 'harmless', findings: [{ reason: reasons.availabilityRestored() }] };
  const findings: Finding[] = [];
  // Annex B viii: hospital records unavailable for 30 hours after an attack: notify the SA and the
  // patients, because care is delayed (the effect, not the data, makes the risk high).
  if (impact === 'critical') findings.push({ reason: reasons.availabilityCritical(hours), risk: 2 });
  else if (impact === 'significant')
    findings.push({
      reason: reasons.availabilitySignificant(availability === 'permanent'),
      risk: availability === 'permanent' ? 2 : 1,
    });
  else if (availability === 'permanent' && !backupAvailable)
    // Annex B iv: ransomware, no backup, the data cannot be restored: notify the SA.
    findings.push({ reason: reasons.availabilityLostNoBackup(), risk: 1 });
  else if (availability === 'permanent') findings.push({ reason: reasons.availabilityBackup() });
  else if (availability === 'temporary' || availability === 'restored-without-difficulty')
    // Annex B iii: a power outage of a few minutes at a call centre: not notifiable, only recorded.
    findings.push({ reason: reasons.availabilityMinor(hours) });
  // Annex B iv: whether the people are told "depends on the nature of the data"; special-category data
  // or vulnerable people make even a temporary loss notifiable (EDPB 01/2021, the hospital cases).
  if ((hasSensitiveData(facts) || facts.people.vulnerable) && availability !== 'restored-without-difficulty')
    findings.push({ reason: reasons.availabilitySensitive(), risk: 1 });
  const risky = findings.some((f) => (f.risk ?? 0) > 0);
  return { state: risky ? 'settled' : 'harmless', findings };
}
