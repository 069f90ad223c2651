import type { Incident } from './incident-model.js';

/** Where the informing of one affected tenant stands, derived from the incident's events. */
export interface TenantProgress {
  tenantId: string;
  /** Every notice e-mail queued, in order: the last one starts the wait for an acknowledgement. */
  emails: { at: number; contactIndex: number; round: number; codeHash?: string; outboxId?: string }[];
  phoneTasks: { at: number; contactIndex: number; round: number }[];
  acknowledged: { at: number; contactIndex: number; via: 'code' | 'phone' } | null;
  alerts: { at: number; reason: 'no-contacts' | 'all-contacts-tried'; round: number }[];
  /** How many numbered follow-ups were sent. */
  followUps: number;
}

export function tenantProgress(incident: Incident, tenantId: string): TenantProgress {
  const progress: TenantProgress = {
    tenantId,
    emails: [],
    phoneTasks: [],
    acknowledged: null,
    alerts: [],
    followUps: 0,
  };
  for (const { at, body } of incident.events) {
    if (!('tenantId' in body) || body.tenantId !== tenantId) continue;
    if (body.type === 'notice-attempt' && body.outcome === 'queued') {
      const entry = { at, contactIndex: body.contactIndex, round: body.round ?? 1 };
      if (body.channel === 'email')
        progress.emails.push({ ...entry, codeHash: body.codeHash, outboxId: body.outboxId });
      else progress.phoneTasks.push(entry);
    } else if (body.type === 'acknowledged') {
      progress.acknowledged ??= { at, contactIndex: body.contactIndex, via: body.via };
    } else if (body.type === 'escalation-alert') {
      progress.alerts.push({ at, reason: body.reason, round: body.round });
    } else if (body.type === 'follow-up-sent') {
      progress.followUps = Math.max(progress.followUps, body.number);
    }
  }
  return progress;
}
