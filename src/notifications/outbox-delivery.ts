import type { DueAction, Escalation } from '../incidents/escalation.js';
import type { Logger } from '../log/logger.js';
import type { DeliverResult, Outbox } from './outbox.js';

export interface NotificationRound {
  escalation: DueAction[];
  delivery: DeliverResult;
}

/**
 * One round of what the running koppel does about e-mail (every minute in `koppel run`): the
 * escalation first (the next contact of a customer that did not acknowledge, so its mail goes out
 * in this same round), then every due mail is delivered, and the outcome of each customer notice is
 * recorded in its incident's history.
 */
export async function runNotificationRound(deps: {
  outbox: Outbox;
  escalation?: Escalation;
  log: () => Logger;
}): Promise<NotificationRound> {
  const escalation = deps.escalation ? await deps.escalation.runDue() : [];
  const delivery = await deps.outbox.deliverDue();
  for (const outcome of delivery.outcomes) {
    try {
      await deps.escalation?.recordDelivery(outcome);
    } catch (error) {
      deps
        .log()
        .warn({ mailId: outcome.id, err: (error as Error).message }, 'delivery not recorded in its incident');
    }
  }
  return { escalation, delivery };
}
