import { type DoctorCheck, duration, fail, pass, readyStore, skip, warn } from '../doctor-check.js';

const DAY_MS = 86_400_000;
/** A message this old points at deliveries that are stuck, long before it expires. */
const STUCK_AFTER_MS = DAY_MS;

/** The oldest live message: personal data wait in the queue only briefly, never past their maximum age. */
export const queueOldestMessage: DoctorCheck = {
  id: 'queue-oldest-message',
  run: async (context) => {
    const id = 'queue-oldest-message';
    const store = readyStore(context);
    if (!store) return skip(id, 'needs the store');
    const row = await store.db
      .selectFrom('queue_messages')
      .select((eb) => eb.fn.min<number>('enqueued_at').as('oldest'))
      .where('state', '=', 0)
      .executeTakeFirst();
    if (row?.oldest == null) return pass(id, 'no message waits in the queue');
    const age = context.now - Number(row.oldest);
    const maxDays = context.config.queue.maxMessageAgeDays;
    const summary = `the oldest live message was enqueued ${duration(age)} ago (maximum ${maxDays} days)`;
    if (age > maxDays * DAY_MS + context.retentionMaxAgeMs)
      return fail(
        id,
        summary,
        'a message holds personal data; past queue.maxMessageAgeDays it must have been dead-lettered as expired, so the retention job is not doing it.',
        'run koppel start (it runs retention every minute), or koppel retention run; then see koppel dlq list',
      );
    if (age > STUCK_AFTER_MS)
      return warn(
        id,
        summary,
        'messages should be delivered within minutes; one this old means a target refuses it, a worker is not running, or a rate limit keeps it waiting. It is dead-lettered as expired when it reaches the maximum age.',
        'check koppel queue stats and the logs for delivery failures of that tenant',
      );
    return pass(id, summary);
  },
};
