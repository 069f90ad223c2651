import type { Deadline, DeadlineName, Incident } from './incident-model.js';

/**
 * The clocks of an incident, in clock hours: plain arithmetic on UTC milliseconds, so weekends, holidays
 * and daylight-saving changes neither stop nor stretch them (breach.md §1.6: 72 hours are 72 hours).
 * Only the display is in Europe/Amsterdam (formatAmsterdam). Pure functions of their arguments.
 */
export const HOUR_MS = 3_600_000;

/** Art. 33(1) GDPR: the controller notifies the Autoriteit Persoonsgegevens within 72 hours. */
export const AUTHORITY_HOURS = 72;

export interface ClockSettings {
  processor: { notificationHours: number };
}

export interface IncidentClocks {
  now: number;
  /** Time since the first signal (detectedAt). */
  sinceDetectionMs: number;
  /** Time since awareness, when a breach was confirmed. */
  sinceAwarenessMs: number | null;
  deadlines: Deadline[];
}

/** When we first informed a tenant: its first notice attempt that was sent (e-mail) or reached (phone). */
export function informedAt(incident: Incident, tenantId: string): number | null {
  for (const event of incident.events) {
    const body = event.body;
    if (
      body.type === 'notice-attempt' &&
      body.tenantId === tenantId &&
      (body.outcome === 'sent' || body.outcome === 'reached')
    )
      return event.at;
  }
  return null;
}

function acknowledgedAt(incident: Incident, tenantId: string): number | null {
  const event = incident.events.find((e) => e.body.type === 'acknowledged' && e.body.tenantId === tenantId);
  return event ? event.at : null;
}

/** When our own AP step was done: the decision on notifying the AP, or leaving the assessment. */
function ownAuthorityStepAt(incident: Incident): number | null {
  const event = incident.events.find(
    (e) =>
      (e.body.type === 'decided' && e.body.decision.topic === 'notify-authority') ||
      (e.body.type === 'transitioned' && e.body.from === 'assessment'),
  );
  return event ? event.at : null;
}

function deadline(
  name: DeadlineName,
  from: number,
  hours: number,
  doneAt: number | null,
  now: number,
  tenantId?: string,
): Deadline {
  const due = from + hours * HOUR_MS;
  const state = doneAt !== null ? (doneAt <= due ? 'met' : 'missed') : now > due ? 'missed' : 'open';
  return tenantId === undefined ? { name, from, due, state } : { name, from, due, state, tenantId };
}

/** The hours we promised a tenant: ours (processor.notificationHours), or the tenant's own lower value. */
export function customerNoticeHours(settings: ClockSettings, tenantHours: number | undefined): number {
  const ours = settings.processor.notificationHours;
  return tenantHours !== undefined && tenantHours > 0 && tenantHours < ours ? tenantHours : ours;
}

/**
 * Every deadline of the incident at `now`:
 * - customer-notice, per affected tenant: awareness + the promised hours; met when we informed it in time.
 * - controller-authority, per informed tenant: its own 72 hours for the AP, counted from when we informed
 *   it (EDPB 9/2022: the controller is aware once the processor informed it); met when it acknowledged
 *   our notice before they ran out (we cannot see its AP filing, only that it knew in time).
 * - own-authority, when the operator is the controller: awareness + 72 hours; met when the decision on
 *   notifying the AP was recorded (or the assessment left) in time.
 * Before awareness (no breach confirmed) there are no deadlines, only the time since detection.
 */
export function incidentClocks(
  incident: Incident,
  settings: ClockSettings,
  tenantHours: Readonly<Record<string, number | undefined>>,
  now: number,
): IncidentClocks {
  const deadlines: Deadline[] = [];
  const aware = incident.awareAt;
  if (aware !== null) {
    for (const tenantId of incident.tenants) {
      const hours = customerNoticeHours(settings, tenantHours[tenantId]);
      deadlines.push(
        deadline('customer-notice', aware, hours, informedAt(incident, tenantId), now, tenantId),
      );
    }
    for (const tenantId of incident.tenants) {
      const informed = informedAt(incident, tenantId);
      if (informed === null) continue;
      const acknowledged = acknowledgedAt(incident, tenantId);
      deadlines.push(
        deadline('controller-authority', informed, AUTHORITY_HOURS, acknowledged, now, tenantId),
      );
    }
    if (incident.operatorIsController)
      deadlines.push(deadline('own-authority', aware, AUTHORITY_HOURS, ownAuthorityStepAt(incident), now));
  }
  return {
    now,
    sinceDetectionMs: Math.max(0, now - incident.detectedAt),
    sinceAwarenessMs: aware === null ? null : Math.max(0, now - aware),
    deadlines,
  };
}

/** The key a delay reason is recorded against: `customer-notice:acme`, `own-authority`. */
export function deadlineKey(d: Pick<Deadline, 'name' | 'tenantId'>): string {
  return d.tenantId === undefined ? d.name : `${d.name}:${d.tenantId}`;
}

/**
 * Our own deadlines that were missed and whose delay no step has explained yet. The customer's own 72
 * hours (controller-authority) are not ours to explain: the customer gives the AP its own reasons.
 */
export function unexplainedMissed(incident: Incident, clocks: IncidentClocks): Deadline[] {
  const explained = new Set<string>();
  for (const event of incident.events)
    if (event.body.type === 'transitioned') for (const key of event.body.delayFor ?? []) explained.add(key);
  return clocks.deadlines.filter(
    (d) => d.name !== 'controller-authority' && d.state === 'missed' && !explained.has(deadlineKey(d)),
  );
}

/** "2d 03h 15m", for how long something has been running. */
export function formatDuration(ms: number): string {
  const minutes = Math.floor(ms / 60_000);
  const days = Math.floor(minutes / 1440);
  const hours = Math.floor((minutes % 1440) / 60);
  const rest = minutes % 60;
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${days > 0 ? `${days}d ` : ''}${pad(hours)}h ${pad(rest)}m`;
}

export type DisplayLang = 'nl' | 'en';

const AMSTERDAM = 'Europe/Amsterdam';
const formatters = new Map<string, Intl.DateTimeFormat>();

function amsterdamParts(ms: number, lang: DisplayLang): Record<string, string> {
  let format = formatters.get(lang);
  if (!format) {
    format = new Intl.DateTimeFormat(lang === 'nl' ? 'nl-NL' : 'en-GB', {
      timeZone: AMSTERDAM,
      weekday: 'short',
      day: 'numeric',
      month: 'short',
      year: 'numeric',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
      timeZoneName: 'longOffset',
    });
    formatters.set(lang, format);
  }
  const parts: Record<string, string> = {};
  for (const part of format.formatToParts(ms)) parts[part.type] = part.value;
  return parts;
}

/** The UTC offset Amsterdam had at `ms`, as "+01:00" or "+02:00". */
export function amsterdamOffset(ms: number): string {
  const name = amsterdamParts(ms, 'en').timeZoneName ?? 'GMT';
  // longOffset gives "GMT+02:00", or plain "GMT" for a zero offset (never in Amsterdam, but be exact).
  return name === 'GMT' ? '+00:00' : name.slice(3);
}

/**
 * A moment for people, in Amsterdam's local time with its offset, e.g. "zo 28 mrt 2027 03:30 (UTC+02:00)"
 * or "Sun 28 Mar 2027 03:30 (UTC+02:00)". The offset is shown so times either side of a DST change
 * are never ambiguous.
 */
export function formatAmsterdam(ms: number, lang: DisplayLang = 'nl'): string {
  const p = amsterdamParts(ms, lang);
  const weekday = (p.weekday ?? '').replace(/\.$/, '');
  const month = (p.month ?? '').replace(/\.$/, '');
  return `${weekday} ${p.day} ${month} ${p.year} ${p.hour}:${p.minute} (UTC${amsterdamOffset(ms)})`;
}

/** The same moment as local ISO 8601 with the offset, e.g. "2027-03-28T03:30+02:00", for JSON output. */
export function amsterdamIso(ms: number): string {
  const offset = amsterdamOffset(ms);
  const sign = offset.startsWith('-') ? -1 : 1;
  const [h, m] = offset.slice(1).split(':').map(Number);
  const local = new Date(ms + sign * ((h ?? 0) * 60 + (m ?? 0)) * 60_000);
  return `${local.toISOString().slice(0, 16)}${offset}`;
}

/** The clocks for output: each moment in UTC and in Amsterdam time. */
export function clocksJson(clocks: IncidentClocks, lang: DisplayLang = 'nl') {
  return {
    now: clocks.now,
    sinceDetectionMs: clocks.sinceDetectionMs,
    sinceDetection: formatDuration(clocks.sinceDetectionMs),
    sinceAwarenessMs: clocks.sinceAwarenessMs,
    deadlines: clocks.deadlines.map((d) => ({
      ...d,
      fromUtc: new Date(d.from).toISOString(),
      dueUtc: new Date(d.due).toISOString(),
      dueAmsterdam: amsterdamIso(d.due),
      dueDisplay: formatAmsterdam(d.due, lang),
      leftMs: Math.max(0, d.due - clocks.now),
    })),
  };
}
