import { createHash, randomBytes } from 'node:crypto';
import type { Clock } from '../clock.js';
import type { Store } from '../store/open-store.js';
import type { AdminRole } from './admin-store.js';

export const SESSION_IDLE_MS = 30 * 60_000;
export const SESSION_ABSOLUTE_MS = 12 * 60 * 60_000;

export interface Session {
  username: string;
  role: AdminRole;
  /** Sent back by the client in the x-csrf-token header on every state-changing request. */
  csrfToken: string;
  createdAt: number;
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/**
 * Sessions live in the store, so several server processes share them; only the SHA-256 of the token is
 * kept, so a copy of the database opens none. Idle and absolute timeouts run on the injected clock.
 */
export class SessionStore {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
  ) {}

  async create(username: string, address: string): Promise<{ token: string; csrfToken: string }> {
    const token = randomBytes(32).toString('base64url');
    const csrfToken = randomBytes(32).toString('base64url');
    const now = this.clock.now();
    await this.store.db
      .insertInto('admin_sessions')
      .values({
        token_hash: sha256(token),
        username,
        csrf_token: csrfToken,
        created_at: now,
        last_seen_at: now,
        address,
      })
      .execute();
    return { token, csrfToken };
  }

  /** The live session of a token, its idle time restarted; expired ones are deleted. */
  async touch(token: string): Promise<Session | undefined> {
    const now = this.clock.now();
    const hash = sha256(token);
    const row = await this.store.db
      .selectFrom('admin_sessions')
      .innerJoin('admins', 'admins.username', 'admin_sessions.username')
      .select([
        'admin_sessions.username',
        'admins.role',
        'csrf_token',
        'admin_sessions.created_at',
        'last_seen_at',
      ])
      .where('token_hash', '=', hash)
      .executeTakeFirst();
    if (!row) return undefined;
    if (
      now - Number(row.last_seen_at) > SESSION_IDLE_MS ||
      now - Number(row.created_at) > SESSION_ABSOLUTE_MS
    ) {
      await this.store.db.deleteFrom('admin_sessions').where('token_hash', '=', hash).execute();
      return undefined;
    }
    await this.store.db
      .updateTable('admin_sessions')
      .set({ last_seen_at: now })
      .where('token_hash', '=', hash)
      .execute();
    return {
      username: row.username,
      role: row.role,
      csrfToken: row.csrf_token,
      createdAt: Number(row.created_at),
    };
  }

  async delete(token: string): Promise<void> {
    await this.store.db.deleteFrom('admin_sessions').where('token_hash', '=', sha256(token)).execute();
  }

  /** Drops sessions past either timeout (the retention job, and each login). */
  async purgeExpired(): Promise<number> {
    const now = this.clock.now();
    const result = await this.store.db
      .deleteFrom('admin_sessions')
      .where((eb) =>
        eb.or([
          eb('last_seen_at', '<', now - SESSION_IDLE_MS),
          eb('created_at', '<', now - SESSION_ABSOLUTE_MS),
        ]),
      )
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}
