import { type DoctorCheck, pass, readyStore, skip, warn } from '../doctor-check.js';

/**
 * The breach procedure needs a way out: without SMTP and a sender, koppel cannot e-mail a customer's
 * contacts within the promised hours, nor the DPO about a new suspicion (phone tasks still work).
 */
export const breachMail: DoctorCheck = {
  id: 'breach-mail',
  run(context) {
    const url = context.config.notifications.smtp.url ?? context.env.KOPPEL_SMTP_URL;
    const missing = [
      ...(url ? [] : ['notifications.smtp.url (or $KOPPEL_SMTP_URL)']),
      ...(context.config.notifications.from ? [] : ['notifications.from']),
    ];
    if (missing.length > 0)
      return warn(
        'breach-mail',
        `breach notices cannot be e-mailed: ${missing.join(' and ')} not set`,
        `on a personal-data breach each affected customer must be informed within ${context.config.processor.notificationHours} hours, by phone and by e-mail; without SMTP only the phone tasks remain, and the DPO hears of automatic suspicions from the console alone.`,
        'set notifications.smtp.url (smtp:// with STARTTLS or smtps://) and notifications.from; see docs/notifications.md',
      );
    return pass(
      'breach-mail',
      `breach notices go out over ${new URL(url!).protocol.replace(':', '')} as ${context.config.notifications.from}`,
    );
  },
};

/** Every report goes to the DPO at once, and only the DPO may close an incident. */
export const breachDpo: DoctorCheck = {
  id: 'breach-dpo',
  async run(context) {
    const email = context.config.notifications.dpoEmail ?? context.config.processor.dpo?.email;
    const store = readyStore(context);
    if (!store) return skip('breach-dpo', 'the store is not ready');
    const dpos = await store.db.selectFrom('admins').select('username').where('role', '=', 'dpo').execute();
    const missing = [
      ...(email ? [] : ['no DPO e-mail address (notifications.dpoEmail or processor.dpo.email)']),
      ...(dpos.length > 0 ? [] : ['no account with role dpo']),
    ];
    if (missing.length > 0)
      return warn(
        'breach-dpo',
        `the breach register has ${missing.join(' and ')}`,
        'every new incident or suspicion is e-mailed to the DPO (FG) at once, and only the DPO may close an incident after reviewing it.',
        'set processor.dpo.email, and add the DPO with: koppel admin add <username> --role dpo --accept-confidentiality',
      );
    return pass('breach-dpo', `new incidents are e-mailed to the DPO; ${dpos.length} dpo account(s)`);
  },
};
