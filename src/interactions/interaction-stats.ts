import type { InteractionType } from '../sync/ports/index.js';

/** What the status API shows of a tenant's interactions feed (ids, counts and times only). */
export interface InteractionStatus {
  enabled: boolean;
  /** When the last pass finished reading (ms epoch); null before the first. */
  lastReadAt: number | null;
  /** When the newest interaction written so far happened (ms epoch). */
  lastInteractionAt: number | null;
  /** Activities written per type since this process started. */
  written: Record<InteractionType, number>;
  /** Skipped, never stored: contacts koppel does not link, and contacts removed meanwhile. */
  skipped: { unlinked: number; removed: number };
  /**
   * Passes that failed (their window is read again), and when and of which class the last one was:
   * no message, as a remote system may quote a value in it (the log has it, by ids).
   */
  errors: number;
  lastErrorAt: number | null;
  lastErrorKind: string | null;
}

export function emptyStatus(enabled: boolean): InteractionStatus {
  return {
    enabled,
    lastReadAt: null,
    lastInteractionAt: null,
    written: { sent: 0, opened: 0, clicked: 0, bounced: 0 },
    skipped: { unlinked: 0, removed: 0 },
    errors: 0,
    lastErrorAt: null,
    lastErrorKind: null,
  };
}
