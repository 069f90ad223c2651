import { coerceError } from '../errors.js';
import type { DoctorCheck, DoctorContext, Finding } from './doctor-check.js';

export interface DoctorReport {
  ok: boolean;
  counts: Record<Finding['status'], number>;
  findings: Finding[];
}

/** Runs every check; a check that throws becomes a failed finding instead of ending the run. */
export async function runDoctor(
  context: DoctorContext,
  checks: readonly DoctorCheck[],
): Promise<DoctorReport> {
  const findings: Finding[] = [];
  for (const check of checks) {
    try {
      findings.push(await check.run(context));
    } catch (thrown) {
      findings.push({
        id: check.id,
        status: 'fail',
        summary: `the check could not run: ${coerceError(thrown).message}`,
        explanation: 'doctor could not verify this part of the baseline, so it cannot vouch for it.',
        fix: 'fix the cause above and run koppel doctor again',
      });
    }
  }
  const counts = { pass: 0, warn: 0, fail: 0, skip: 0 };
  for (const f of findings) counts[f.status]++;
  return { ok: counts.fail === 0, counts, findings };
}
