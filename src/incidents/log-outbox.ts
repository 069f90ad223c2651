import type { Clock } from '../clock.js';
import type { Logger } from '../log/logger.js';
import type { MailOutbox, OutgoingMail } from './incident-model.js';

/**
 * The outbox until a real one (SMTP, src/notifications) is given to createApp: it only logs that a mail
 * was queued, with its kind and ids. Never the addresses or the text: they may be personal data.
 */
export class LogOutbox implements MailOutbox {
  #count = 0;

  constructor(
    private readonly log: () => Logger,
    private readonly clock: Clock,
  ) {}

  async enqueue(mail: OutgoingMail): Promise<{ id: string }> {
    this.#count += 1;
    const id = `log-${this.clock.now()}-${this.#count}`;
    this.log().warn(
      { mailId: id, kind: mail.kind, incidentId: mail.incidentId, tenantId: mail.tenantId },
      'mail queued (no SMTP outbox configured: logged only, not sent)',
    );
    return { id };
  }
}
