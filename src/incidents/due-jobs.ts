import type { Logger } from '../log/logger.js';

/**
 * Work the running koppel does on a short interval, beside the sync: turning security events into
 * suspected incidents, reminding before deadlines, escalating to the next contact, delivering the
 * outbox. Each job finds what is due from the store itself, so a restart resumes where it stopped and
 * none is a person remembering.
 */
export interface DueJob {
  name: string;
  runDue(): Promise<unknown>;
}

export interface DueJobResult {
  name: string;
  ok: boolean;
  /** What the job reported (counts and ids), or the error's message. */
  result: unknown;
}

/** How often `koppel run` runs the due jobs: a 60-minute acknowledgement wait is kept to 30 seconds. */
export const DUE_JOBS_INTERVAL_MS = 30_000;

/** Runs every job once, in order; one failing does not keep the others from running. */
export async function runDueJobs(jobs: readonly DueJob[], log: Logger): Promise<DueJobResult[]> {
  const results: DueJobResult[] = [];
  for (const job of jobs) {
    try {
      results.push({ name: job.name, ok: true, result: await job.runDue() });
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      log.error(
        { event: 'due-job.failed', job: job.name, error: (error as Error)?.name, reason },
        'a due job failed',
      );
      results.push({ name: job.name, ok: false, result: reason });
    }
  }
  return results;
}
