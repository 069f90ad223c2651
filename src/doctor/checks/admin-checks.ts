import { MAX_ADMINS } from '../../admin/admin-store.js';
import { type DoctorCheck, fail, pass, readyStore, skip, warn } from '../doctor-check.js';

/**
 * At most two administrators, each with two factors and an accepted confidentiality statement. The
 * store enforces the limit when an account is added; this finds a row put there by other means, or a
 * limit lowered (server.maxAdmins) after two accounts existed.
 */
export const adminAccounts: DoctorCheck = {
  id: 'admin-accounts',
  async run(context) {
    const store = readyStore(context);
    if (!store) return skip('admin-accounts', 'the store is not ready');
    const rows = await store.db
      .selectFrom('admins')
      .select(['username', 'role', 'confidentiality_version'])
      .execute();
    const admins = rows.filter((r) => r.role === 'admin');
    const limit = Math.min(MAX_ADMINS, context.config.server.maxAdmins);
    if (admins.length > limit)
      return fail(
        'admin-accounts',
        `${admins.length} administrator accounts (${admins.map((a) => a.username).join(', ')}), the limit is ${limit}`,
        'the processing agreement promises that at most two administrators (or the lower server.maxAdmins) can log in.',
        'remove one with: koppel admin remove <username>',
      );
    if (rows.length === 0)
      return warn(
        'admin-accounts',
        'no accounts: nobody can sign in to the admin server',
        'without an account the admin API refuses everything; the shell is the only way in.',
        'add one with: koppel admin add <username> --accept-confidentiality',
      );
    return pass(
      'admin-accounts',
      `${admins.length} of at most ${limit} administrator(s), ${rows.length - admins.length} dpo; every account has a password, TOTP and an accepted confidentiality statement`,
    );
  },
};

/** `server.allow` open to the whole internet defeats the IP restriction the agreement promises. */
export const adminAllowlist: DoctorCheck = {
  id: 'admin-allowlist',
  run(context) {
    const open = context.config.server.allow.filter((c) => /^(0\.0\.0\.0|::)\/0$/.test(c));
    if (open.length > 0)
      return warn(
        'admin-allowlist',
        `server.allow lets every address reach the admin server (${open.join(', ')})`,
        'the processing agreement promises IP restriction where possible; only the password and TOTP stand between the internet and the login.',
        'list your office or VPN ranges in server.allow instead',
      );
    return pass('admin-allowlist', `the admin server admits ${context.config.server.allow.join(', ')} only`);
  },
};
