import type { Kysely } from 'kysely';
import { LOCKOUT_FAILURES, LOCKOUT_WINDOW_MS } from '../../admin/login-throttle.js';
import type { SignalsConfig } from '../../config/config-schema.js';
import type { Database } from '../../store/schema.js';

/** A stored security event, as the watcher reads it. */
export interface StoredSecurityEvent {
  id: number;
  kind: string;
  tenantId: string | null;
  subject: string | null;
  detail: Record<string, unknown>;
  occurredAt: number;
}

/** What an event means for the register: a suspected incident of this signal kind, or nothing. */
export interface SignalDecision {
  /** The signal kind (folding key with the tenant): the event kind, or the one it counts towards. */
  kind: string;
  tenantId: string | null;
  /** The customers whose data are involved (before the watcher drops ids that are no tenant). */
  tenants: string[];
  title: string;
  summary: string;
}

/** The security event kinds that open (or fold into) a suspected incident; docs/incident-signals.md. */
export const SIGNAL_KINDS = [
  'queue.integrity',
  'admin.login-failed',
  'admin.address-refused',
  'sync.cross-tenant-refused',
  'sync.mass-removal-paused',
  'keys.access-failed',
] as const;

const tenantPart = (tenantId: string | null) => (tenantId ? ` (tenant ${tenantId})` : '');
const num = (value: unknown) => (typeof value === 'number' ? value : Number(value ?? 0));

/**
 * Decides what one security event means. Every kind but failed logins opens a signal on its own;
 * failed logins only past a threshold (they happen by typing errors too). Texts name ids and
 * counts only, never personal data (the event's address stays in the event, not the register).
 */
export async function decideSignal(
  db: Kysely<Database>,
  config: SignalsConfig,
  event: StoredSecurityEvent,
): Promise<SignalDecision | null> {
  const { tenantId, subject, detail } = event;
  switch (event.kind) {
    case 'queue.integrity':
      return {
        kind: event.kind,
        tenantId,
        tenants: tenantId ? [tenantId] : [],
        title: `Suspected incident: a queued message failed its integrity check${tenantPart(tenantId)}`,
        summary:
          `The encrypted payload of queue message ${subject ?? '?'} did not authenticate: it was altered in ` +
          'the database, or sealed with another key. It was dead-lettered (reason integrity), never delivered.',
      };
    case 'admin.address-refused':
      return {
        kind: event.kind,
        tenantId,
        tenants: tenantId ? [tenantId] : [],
        title: 'Suspected incident: admin server reached from outside the allowlist',
        summary:
          `A ${String(detail.method ?? '')} request from an address outside server.allow was refused (403) ` +
          'before routing. The address is in the security event, not here.',
      };
    case 'sync.cross-tenant-refused':
      return {
        kind: event.kind,
        tenantId,
        // The owner whose record nearly went out, and the tenant it nearly went to.
        tenants: [...new Set([detail.owner, tenantId].filter((t): t is string => typeof t === 'string'))],
        title: `Suspected incident: a record was about to go to another tenant${tenantPart(tenantId)}`,
        summary:
          `The ${String(detail.deliverer ?? '')} deliverer of tenant ${tenantId ?? '?'} refused contact ` +
          `${subject ?? '?'}: ${String(detail.why ?? 'it belongs to another tenant')}. It was dead-lettered ` +
          '(reason cross-tenant), never sent.',
      };
    case 'sync.mass-removal-paused':
      return {
        kind: event.kind,
        tenantId,
        tenants: tenantId ? [tenantId] : [],
        title: `Suspected incident: mass removal paused${tenantPart(tenantId)}`,
        summary:
          `${num(detail.removals)} removals in one round (threshold ${num(detail.threshold)}, average ` +
          `${num(detail.average).toFixed(1)} per round). The tenant's removals are held until an admin ` +
          `runs \`koppel tenant removals confirm ${tenantId ?? '<tenant>'}\` or \`reject\`; other sync goes on.`,
      };
    case 'keys.access-failed':
      return {
        kind: event.kind,
        tenantId,
        tenants: tenantId ? [tenantId] : [],
        title: `Suspected incident: master-key or tenant-key access failed${tenantPart(tenantId)}`,
        summary:
          `Opening ${String(detail.what ?? 'a key')} failed (${String(detail.error ?? 'error')}` +
          `${detail.masterKeyId ? `, master key ${String(detail.masterKeyId)}` : ''}). A key that no ` +
          'longer opens is lost, altered or replaced, or the key store is unreachable.',
      };
    case 'admin.login-failed':
      return loginFailures(db, config, event);
    default:
      // e.g. admin.csrf-refused: a stale page or a forged form, already refused; recorded, not a signal.
      return null;
  }
}

/**
 * Failed logins or 2FA codes open a signal once `loginFailures` of them (any account, any address)
 * fall within `loginWindowMinutes`, or one account or address reaches the lockout. Counted from the
 * stored events up to this one, so the answer is the same when a restarted watcher reads it again.
 */
async function loginFailures(
  db: Kysely<Database>,
  config: SignalsConfig,
  event: StoredSecurityEvent,
): Promise<SignalDecision | null> {
  const windowMs = config.loginWindowMinutes * 60_000;
  const rows = await db
    .selectFrom('security_events')
    .select(['subject', 'detail', 'occurred_at'])
    .where('kind', '=', 'admin.login-failed')
    .where('occurred_at', '>', event.occurredAt - Math.max(windowMs, LOCKOUT_WINDOW_MS))
    .where('id', '<=', event.id)
    .execute();
  const within = (ms: number) => rows.filter((r) => Number(r.occurred_at) > event.occurredAt - ms);
  const total = within(windowMs).length;
  const recent = within(LOCKOUT_WINDOW_MS);
  const address = event.detail.address;
  const sameAddress = recent.filter(
    (r) => address !== undefined && parse(r.detail).address === address,
  ).length;
  const sameAccount = event.subject ? recent.filter((r) => r.subject === event.subject).length : 0;
  const lockout = Math.max(sameAddress, sameAccount) >= LOCKOUT_FAILURES;
  if (total < config.loginFailures && !lockout) return null;
  const why =
    total >= config.loginFailures
      ? `${total} failed logins or 2FA codes within ${config.loginWindowMinutes} minutes`
      : `a lockout: ${LOCKOUT_FAILURES} failures of one ${sameAccount >= LOCKOUT_FAILURES ? 'account' : 'address'} within 15 minutes`;
  return {
    kind: 'admin.login-failed',
    tenantId: null,
    tenants: [],
    title: 'Suspected incident: repeated failed admin logins or 2FA codes',
    summary: `${why}. Someone may be guessing passwords or codes; accounts and addresses are in the security events.`,
  };
}

export function parse(detail: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(detail);
    return value && typeof value === 'object' ? (value as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}
