import type { Incident } from '../incident-model.js';
import { peopleText } from './facts-labels.js';
import type { DocTexts } from './texts-en.js';

/** What is still unknown about an incident, in words: the open questions a follow-up notice answers. */
export function unknowns(t: DocTexts, incident: Incident): string[] {
  const u = t.unknown_;
  const out: string[] = [];
  const f = incident.facts;
  if (!f) out.push(u.facts);
  if (incident.awareAt === null) out.push(u.aware);
  if (f) {
    if (f.cause === 'unknown') out.push(u.cause);
    if (!('count' in f.people)) out.push(u.peopleRange(peopleText(t, f.people)));
    if (f.exfiltration === 'possible') out.push(u.exfiltration);
    if (f.recipient.kind === 'unknown') out.push(u.recipient);
    if (f.availability === 'temporary' && f.unavailableHours === undefined) out.push(u.restore);
  }
  if (!incident.effects.trim()) out.push(u.effects);
  if (!incident.assessment) out.push(u.assessment);
  return out;
}
