import type { Kysely } from 'kysely';
import type { Clock } from '../clock.js';
import type { Database } from '../store/schema.js';

export interface SecurityEvent {
  /** e.g. 'queue.integrity'. */
  kind: string;
  tenantId: string | null;
  /** What it concerns, by id only (never personal data). */
  subject: string | null;
  detail: Record<string, string | number | boolean | null>;
}

/** Where a security event goes: the sync core and the key ring record through this port. */
export interface SecurityEventSink {
  record(event: SecurityEvent): Promise<void>;
}

/** Stores security events durably for the incident register, then tells a listener. */
export class SecurityEventLog implements SecurityEventSink {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly clock: Clock,
    private readonly listener?: (event: SecurityEvent) => void,
  ) {}

  async record(event: SecurityEvent): Promise<void> {
    await this.db
      .insertInto('security_events')
      .values({
        kind: event.kind,
        tenant_id: event.tenantId,
        subject: event.subject,
        detail: JSON.stringify(event.detail),
        occurred_at: this.clock.now(),
        handled_at: null,
      })
      .execute();
    this.listener?.(event);
  }
}
