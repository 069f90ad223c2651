import { createHash } from 'node:crypto';
import type { Clock } from '../clock.js';
import type { Store } from '../store/open-store.js';

export const LOCKOUT_FAILURES = 5;
export const LOCKOUT_WINDOW_MS = 15 * 60_000;

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/**
 * Five failed logins for a username or from an address within 15 minutes lock it: while five failures
 * lie within the last 15 minutes, every attempt fails (and counts). So the lock ends 15 minutes after
 * the last failures, and the answer is the same generic 401, so it reveals nothing.
 */
export class LoginThrottle {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
  ) {}

  async locked(username: string, address: string): Promise<boolean> {
    const since = this.clock.now() - LOCKOUT_WINDOW_MS;
    const count = async (column: 'username_hash' | 'address', value: string) => {
      const row = await this.store.db
        .selectFrom('admin_login_failures')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where(column, '=', value)
        .where('occurred_at', '>', since)
        .executeTakeFirst();
      return Number(row?.n ?? 0);
    };
    return (
      (await count('username_hash', sha256(username))) >= LOCKOUT_FAILURES ||
      (await count('address', address)) >= LOCKOUT_FAILURES
    );
  }

  async recordFailure(username: string, address: string): Promise<void> {
    const now = this.clock.now();
    await this.store.db
      .insertInto('admin_login_failures')
      .values({ username_hash: sha256(username), address, occurred_at: now })
      .execute();
    // Older failures no longer count for anything.
    await this.store.db
      .deleteFrom('admin_login_failures')
      .where('occurred_at', '<', now - LOCKOUT_WINDOW_MS)
      .execute();
  }
}
