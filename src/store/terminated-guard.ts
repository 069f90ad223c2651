import { PermanentError } from '../errors.js';

/** The marker the migration 0010 triggers put in their error when a terminated tenant's row is written. */
const TERMINATED_MARKER = 'koppel_tenant_terminated';

/** A write for a terminated tenant, refused by the store itself (migration 0010). */
export class TenantTerminatedError extends PermanentError {
  constructor(what: string, options?: { cause?: unknown }) {
    super(`${what} refused: the tenant is terminated and its rows cannot be written`, {}, options);
  }
}

/** True when the store refused a write because the tenant is terminated. */
export function isTerminatedWrite(error: unknown): boolean {
  return error instanceof Error && error.message.includes(TERMINATED_MARKER);
}
