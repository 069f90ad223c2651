import type { Deadline } from './incident-model.js';

/**
 * How urgent a deadline is, for the console's colour code: green while less than the first reminder
 * fraction of its time is used, amber up to the last reminder, red after it, overdue once it passed
 * (done late or not yet done), met once the step it guards happened in time. The thresholds are the
 * reminders' (incidents.reminderFractions), so the colour turns when a reminder e-mail goes out.
 */
export type DeadlineColour = 'green' | 'amber' | 'red' | 'overdue' | 'met';

export function deadlineColour(
  deadline: Pick<Deadline, 'from' | 'due' | 'state'>,
  now: number,
  fractions: readonly number[] = [0.5, 0.9],
): DeadlineColour {
  if (deadline.state === 'met') return 'met';
  if (deadline.state === 'missed' || now >= deadline.due) return 'overdue';
  const sorted = [...fractions].sort((a, b) => a - b);
  const first = sorted[0] ?? 0.5;
  const last = sorted.at(-1) ?? 0.9;
  const used = (now - deadline.from) / Math.max(1, deadline.due - deadline.from);
  if (used < first) return 'green';
  return used < last ? 'amber' : 'red';
}

const RANK: Record<DeadlineColour, number> = { overdue: 4, red: 3, amber: 2, green: 1, met: 0 };

/** The most urgent colour of a set of deadlines (an incident's badge in the register); null for none. */
export function worstColour(colours: readonly DeadlineColour[]): DeadlineColour | null {
  let worst: DeadlineColour | null = null;
  for (const c of colours) if (worst === null || RANK[c] > RANK[worst]) worst = c;
  return worst;
}
