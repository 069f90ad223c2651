import { createHash, randomBytes } from 'node:crypto';
import type { Clock } from '../clock.js';
import { open, seal } from '../keys/envelope.js';
import type { KeyRing } from '../keys/key-ring.js';
import type { Store } from '../store/open-store.js';
import { CONFIDENTIALITY_STATEMENT } from './confidentiality.js';
import { DUMMY_HASH, hashPassword, passwordProblem, verifyPassword } from './password.js';
import { newTotpSecret, totpStep, totpUri } from './totp.js';

export type AdminRole = 'admin' | 'dpo';

/** The processing agreement's limit; `server.maxAdmins` may lower it, never raise it. */
export const MAX_ADMINS = 2;

/**
 * The key ring entry that seals the administrators' TOTP secrets. Tenant ids start with a letter or
 * digit, so this one cannot be a tenant's; `koppel keys rotate` re-wraps it with the tenants' keys.
 */
import { ADMIN_KEY_ID } from '../keys/system-keys.js';

export { ADMIN_KEY_ID };

const USERNAME = /^[a-z][a-z0-9._-]{1,31}$/;
const RECOVERY_CODES = 10;

export interface AdminAccount {
  username: string;
  role: AdminRole;
  createdAt: number;
  confidentiality: { version: string; acceptedAt: number };
  recoveryCodesLeft: number;
  /** Made for enrolment in the console and not enrolled yet: no session until then. */
  enrolmentPending: boolean;
}

export interface Enrolment {
  /** otpauth://totp/... for the authenticator app; shown once. */
  uri: string;
  /** One-time codes for when the authenticator is lost; shown once, stored only as hashes. */
  recoveryCodes: string[];
}

export class AdminLimitError extends Error {}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const totpContext = (username: string) => `koppel/admin-totp/${username}`;

/** Administrator accounts: password (scrypt), TOTP (sealed), recovery codes (hashed), confidentiality. */
export class AdminStore {
  constructor(
    private readonly store: Store,
    private readonly keys: KeyRing,
    private readonly clock: Clock,
    private readonly maxAdmins: number,
  ) {}

  /**
   * A new account. With `enrolInConsole` its owner sets up the authenticator at the console's first
   * sign-in (startEnrolment / finishEnrolment), so the secret is never printed on the operator's terminal.
   */
  async add(
    username: string,
    role: AdminRole,
    password: string,
    options: { enrolInConsole?: boolean } = {},
  ): Promise<Enrolment> {
    if (!USERNAME.test(username))
      throw new Error(
        `username "${username}" must be 2-32 characters: lowercase letters, digits, ".", "_" or "-", starting with a letter`,
      );
    const problem = passwordProblem(password, username);
    if (problem) throw new Error(problem);
    const now = this.clock.now();
    const secret = newTotpSecret();
    const recoveryCodes = Array.from({ length: RECOVERY_CODES }, () => recoveryCode());
    const passwordHash = await hashPassword(password);
    const key = await this.keys.current(ADMIN_KEY_ID);
    await this.store.db.transaction().execute(async (trx) => {
      const existing = await trx.selectFrom('admins').select(['username', 'role']).execute();
      if (existing.some((a) => a.username === username)) throw new Error(`admin ${username} already exists`);
      const admins = existing.filter((a) => a.role === 'admin').length;
      if (role === 'admin' && admins >= this.maxAdmins)
        throw new AdminLimitError(
          `refused: there are already ${admins} administrator(s), the limit is ${this.maxAdmins}` +
            ` (the processing agreement allows at most ${MAX_ADMINS} administrators; server.maxAdmins may lower it, never raise it).` +
            ' Remove one first with: koppel admin remove <username>',
        );
      await trx
        .insertInto('admins')
        .values({
          username,
          role,
          password_hash: passwordHash,
          totp_secret: seal(key.key, Buffer.from(secret), totpContext(username)),
          totp_key_version: key.version,
          totp_last_step: 0,
          recovery_hashes: JSON.stringify(recoveryCodes.map(sha256)),
          enrolment_pending: options.enrolInConsole ? 1 : 0,
          confidentiality_version: CONFIDENTIALITY_STATEMENT.version,
          confidentiality_accepted_at: now,
          created_at: now,
          updated_at: now,
        })
        .execute();
    });
    return { uri: totpUri(secret, username), recoveryCodes };
  }

  async list(): Promise<AdminAccount[]> {
    const rows = await this.store.db.selectFrom('admins').selectAll().orderBy('username').execute();
    return rows.map((r) => ({
      username: r.username,
      role: r.role,
      createdAt: Number(r.created_at),
      confidentiality: {
        version: r.confidentiality_version,
        acceptedAt: Number(r.confidentiality_accepted_at),
      },
      recoveryCodesLeft: (JSON.parse(r.recovery_hashes) as string[]).length,
      enrolmentPending: Number(r.enrolment_pending) === 1,
    }));
  }

  async get(username: string): Promise<AdminAccount | undefined> {
    return (await this.list()).find((a) => a.username === username);
  }

  async remove(username: string): Promise<void> {
    await this.#require(username);
    await this.store.db.transaction().execute(async (trx) => {
      await trx.deleteFrom('admin_sessions').where('username', '=', username).execute();
      await trx.deleteFrom('admins').where('username', '=', username).execute();
    });
  }

  /** A new TOTP secret and new recovery codes; the old ones and every session stop working. */
  async resetTwoFactor(username: string): Promise<Enrolment> {
    await this.#require(username);
    return this.#replaceSecret(username);
  }

  /**
   * The first step of enrolling in the console: the password is right and the account is waiting for
   * its authenticator. Each call makes a new secret, so one shown earlier (and perhaps seen by
   * someone else) stops working; undefined for a wrong password or an account that is enrolled.
   */
  async startEnrolment(username: string, password: string): Promise<Enrolment | undefined> {
    const row = await this.#pendingWithPassword(username, password);
    return row ? this.#replaceSecret(username) : undefined;
  }

  /** The second step: a first code from the new authenticator ends the enrolment. */
  async finishEnrolment(username: string, password: string, code: string): Promise<AdminAccount | undefined> {
    const row = await this.#pendingWithPassword(username, password);
    if (!row) return undefined;
    const step = totpStep(await this.#secret(row), username, code.trim(), this.clock.now());
    if (step === undefined) return undefined;
    const updated = await this.store.db
      .updateTable('admins')
      .set({ enrolment_pending: 0, totp_last_step: step, updated_at: this.clock.now() })
      .where('username', '=', username)
      .where('enrolment_pending', '=', 1)
      .where('totp_secret', '=', row.totp_secret)
      .executeTakeFirst();
    return Number(updated.numUpdatedRows) === 1 ? await this.get(username) : undefined;
  }

  async #pendingWithPassword(username: string, password: string) {
    const row = await this.#row(username);
    const passwordOk = await verifyPassword(password, row?.password_hash ?? DUMMY_HASH);
    return row && passwordOk && Number(row.enrolment_pending) === 1 ? row : undefined;
  }

  #row(username: string) {
    return this.store.db.selectFrom('admins').selectAll().where('username', '=', username).executeTakeFirst();
  }

  async #secret(row: { username: string; totp_key_version: number; totp_secret: Uint8Array }) {
    const key = await this.keys.version(ADMIN_KEY_ID, Number(row.totp_key_version));
    return open(key.key, row.totp_secret, totpContext(row.username)).toString('utf8');
  }

  async #replaceSecret(username: string): Promise<Enrolment> {
    const secret = newTotpSecret();
    const recoveryCodes = Array.from({ length: RECOVERY_CODES }, () => recoveryCode());
    const key = await this.keys.current(ADMIN_KEY_ID);
    await this.store.db.transaction().execute(async (trx) => {
      await trx
        .updateTable('admins')
        .set({
          totp_secret: seal(key.key, Buffer.from(secret), totpContext(username)),
          totp_key_version: key.version,
          totp_last_step: 0,
          recovery_hashes: JSON.stringify(recoveryCodes.map(sha256)),
          updated_at: this.clock.now(),
        })
        .where('username', '=', username)
        .execute();
      await trx.deleteFrom('admin_sessions').where('username', '=', username).execute();
    });
    return { uri: totpUri(secret, username), recoveryCodes };
  }

  async setPassword(username: string, password: string): Promise<void> {
    await this.#require(username);
    const problem = passwordProblem(password, username);
    if (problem) throw new Error(problem);
    const hash = await hashPassword(password);
    await this.store.db.transaction().execute(async (trx) => {
      await trx
        .updateTable('admins')
        .set({ password_hash: hash, updated_at: this.clock.now() })
        .where('username', '=', username)
        .execute();
      await trx.deleteFrom('admin_sessions').where('username', '=', username).execute();
    });
  }

  /**
   * Password and second factor (a TOTP code, or a recovery code that is then used up). Undefined for
   * any failure, whichever part was wrong. A TOTP code is accepted once: its time step must be later
   * than the last accepted one, checked and recorded in one conditional update. An account still to
   * enrol in the console is returned for the right password alone, with `enrolmentPending` set: the
   * caller must send its owner to the enrolment, never open a session.
   */
  async authenticate(username: string, password: string, code: string): Promise<AdminAccount | undefined> {
    const row = await this.#row(username);
    // An unknown user costs the same scrypt as a known one: timing tells nothing.
    const passwordOk = await verifyPassword(password, row?.password_hash ?? DUMMY_HASH);
    if (!row || !passwordOk) return undefined;
    // Waiting for its authenticator: the right password says so (the caller opens no session for it).
    if (Number(row.enrolment_pending) === 1) return this.get(username);
    const secret = await this.#secret(row);
    const step = totpStep(secret, username, code.trim(), this.clock.now());
    if (step !== undefined) {
      const updated = await this.store.db
        .updateTable('admins')
        .set({ totp_last_step: step })
        .where('username', '=', username)
        .where('totp_last_step', '<', step)
        .executeTakeFirst();
      return Number(updated.numUpdatedRows) === 1 ? await this.get(username) : undefined;
    }
    const hashes = JSON.parse(row.recovery_hashes) as string[];
    const hash = sha256(code.trim().toLowerCase());
    if (!hashes.includes(hash)) return undefined;
    const updated = await this.store.db
      .updateTable('admins')
      .set({ recovery_hashes: JSON.stringify(hashes.filter((h) => h !== hash)) })
      .where('username', '=', username)
      .where('recovery_hashes', '=', row.recovery_hashes)
      .executeTakeFirst();
    return Number(updated.numUpdatedRows) === 1 ? await this.get(username) : undefined;
  }

  async #require(username: string): Promise<void> {
    if (!(await this.get(username))) throw new Error(`no admin named ${username} (koppel admin list)`);
  }
}

/**
 * 10 random base32 characters in two groups, e.g. `k7m2p-q9xw4`: 50 bits, typed from paper. Secrets come
 * from node:crypto, never from the injected Random, which tests seed.
 */
function recoveryCode(): string {
  const alphabet = 'abcdefghijkmnpqrstuvwxyz23456789';
  const bytes = randomBytes(10);
  const chars = [...bytes].map((b) => alphabet[b % 32]).join('');
  return `${chars.slice(0, 5)}-${chars.slice(5)}`;
}
