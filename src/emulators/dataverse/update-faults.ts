import { faults } from './dataverse-errors.js';

/** How a scripted update of one contact fails instead of being written. */
export type UpdateFault =
  /** The organisation's own synchronous plug-in on Update refuses the change with this message. */
  | { kind: 'plugin-refuses'; message: string }
  /** The platform's generic transient failure. */
  | { kind: 'unexpected' };

/**
 * Updates of chosen contacts that fail the way the real service fails one operation, alone or as one
 * part of a $batch (the other parts still run): a customer's plug-in refusing the change, or a transient
 * platform error. koppel cannot check either beforehand, so tests script them here.
 */
export class UpdateFaults {
  readonly #scripted = new Map<string, { fault: UpdateFault; left: number }>();

  /** The next `times` updates of `contactId` fail with `fault` (every one by default). */
  script(contactId: string, fault: UpdateFault, times = Number.POSITIVE_INFINITY): void {
    this.#scripted.set(contactId.toLowerCase(), { fault, left: times });
  }

  /** Throws the fault scripted for this update of `contactId`, if any. */
  apply(contactId: string): void {
    const key = contactId.toLowerCase();
    const entry = this.#scripted.get(key);
    if (!entry) return;
    if (--entry.left <= 0) this.#scripted.delete(key);
    throw entry.fault.kind === 'plugin-refuses'
      ? faults.pluginRefused(entry.fault.message)
      : faults.unexpected();
  }
}
