import type { Clock } from '../clock.js';
import type { Logger } from '../log/logger.js';
import { type Fence, FencedError } from '../sync/fence.js';
import type { LeaseStore } from './lease-store.js';

/** How often a worker renews its leases and looks at the cluster, as a part of the lease time. */
export const HEARTBEATS_PER_LEASE = 5;
/** Rows of workers silent this many lease times are deleted (a SIGKILLed worker never says goodbye). */
const FORGET_AFTER_LEASES = 10;

export interface CoordinatorOptions {
  leases: LeaseStore;
  clock: Clock;
  leaseMs: number;
  workerId: string;
  host: string;
  pid: number;
  log: () => Logger;
}

export interface TickResult {
  /** Live workers counted (this one included). */
  workers: number;
  /** Tenants each worker takes at most: ceil(tenants / workers). */
  target: number;
  acquired: string[];
  released: string[];
  /** Leases that turned out taken by another worker (this one was paused or cut off too long). */
  lost: string[];
}

/**
 * One worker's part in the cluster: its heartbeat, the tenant leases it holds (with their fencing
 * tokens), spreading (ceil(tenants / live workers) each) and the fence the sync's stores call.
 */
export class Coordinator {
  /** tenant -> fencing token held. */
  readonly #held = new Map<string, number>();
  /** tenant -> until when this worker's last renewal holds it (its own clock). */
  readonly #until = new Map<string, number>();
  readonly #startedAt: number;
  /** Set on join: from then on the fence refuses writes for tenants this worker does not hold. */
  #armed = false;
  readonly fence: Fence;

  constructor(private readonly o: CoordinatorOptions) {
    this.#startedAt = o.clock.now();
    this.fence = {
      check: async (trx, tenantId) => {
        if (!this.#armed) return;
        const token = this.#held.get(tenantId);
        if (token !== undefined && (await o.leases.holds(trx, tenantId, o.workerId, token))) return;
        if (token !== undefined) this.#lose(tenantId);
        throw new FencedError(tenantId);
      },
    };
  }

  get workerId(): string {
    return this.o.workerId;
  }

  get leaseMs(): number {
    return this.o.leaseMs;
  }

  /** The tenants this worker holds now, sorted. */
  held(): string[] {
    return [...this.#held.keys()].filter((tenant) => this.holds(tenant)).sort();
  }

  /**
   * Whether this worker may start work for the tenant: held, and its last renewal not run out. A
   * worker resumed after a pause (SIGSTOP, a long GC, a VM migration) starts no round until its next
   * heartbeat has renewed the lease or found it taken.
   */
  holds(tenantId: string): boolean {
    return this.#held.has(tenantId) && this.o.clock.now() < (this.#until.get(tenantId) ?? 0);
  }

  async join(): Promise<void> {
    this.#armed = true;
    await this.#heartbeat();
  }

  /**
   * Releases at once the leases of workers known to be gone, instead of waiting out their lease: on
   * SQLite (`exclusive`: the worker lock proves no other worker runs) every other owner's; on
   * PostgreSQL those of earlier processes on this machine whose pid no longer runs (a koppel
   * restarted after SIGKILL or a crash resumes its tenants at once). Returns how many were released.
   */
  async releaseOrphaned(exclusive: boolean, alive: (pid: number) => boolean): Promise<number> {
    const owners = new Set((await this.o.leases.leases()).map((l) => l.owner));
    for (const w of await this.o.leases.workers()) owners.add(w.workerId);
    let released = 0;
    for (const owner of owners) {
      if (owner === null || owner === this.o.workerId) continue;
      const [pid, host] = [Number(owner.split('/').at(-2)), owner.split('/').slice(0, -2).join('/')];
      const gone = exclusive || (host === this.o.host && (pid === this.o.pid || !alive(pid)));
      if (gone) released += await this.o.leases.releaseAllOf(owner);
    }
    return released;
  }

  /**
   * Renews what this worker holds, gives up what is above its share (never a tenant in `busy`, which
   * is mid-round) and takes free or expired tenants up to its share. `tenants` is every tenant that
   * should sync now.
   */
  async tick(tenants: readonly string[], busy: ReadonlySet<string> = new Set()): Promise<TickResult> {
    const { leases, clock, leaseMs, workerId } = this.o;
    const now = clock.now();
    await this.#heartbeat();
    const result: TickResult = { workers: 1, target: 0, acquired: [], released: [], lost: [] };
    const wanted = new Set(tenants);
    for (const [tenant, token] of [...this.#held]) {
      if (!wanted.has(tenant) && !busy.has(tenant)) {
        await this.#release(tenant, token);
        result.released.push(tenant);
      } else if (await leases.renew(tenant, workerId, token, now, leaseMs)) {
        this.#until.set(tenant, now + leaseMs);
      } else {
        this.#lose(tenant);
        result.lost.push(tenant);
      }
    }
    const live = (await leases.workers()).filter((w) => w.heartbeatAt > now - leaseMs);
    result.workers = Math.max(1, live.length);
    result.target = Math.ceil(wanted.size / result.workers);
    for (const tenant of [...this.#held.keys()].sort().reverse()) {
      if (this.#held.size <= result.target) break;
      if (busy.has(tenant)) continue;
      await this.#release(tenant, this.#held.get(tenant)!);
      result.released.push(tenant);
    }
    if (this.#held.size < result.target) {
      const rank = Math.max(
        0,
        live.findIndex((w) => w.workerId === workerId),
      );
      for (const tenant of await this.#free(tenants, now, rank)) {
        if (this.#held.size >= result.target) break;
        const token = await leases.acquire(tenant, workerId, now, leaseMs);
        if (token === undefined) continue;
        this.#held.set(tenant, token);
        this.#until.set(tenant, now + leaseMs);
        result.acquired.push(tenant);
      }
    }
    await leases.forgetWorkersSilentSince(now - FORGET_AFTER_LEASES * leaseMs);
    if (result.acquired.length + result.released.length + result.lost.length > 0)
      this.o.log().info({ event: 'cluster.leases', worker: workerId, ...result }, 'tenant leases changed');
    return result;
  }

  /** Gives every lease up and leaves the registry: the others take the tenants at their next tick. */
  async leave(): Promise<string[]> {
    const released = [...this.#held.keys()].sort();
    for (const tenant of released) await this.#release(tenant, this.#held.get(tenant)!);
    await this.o.leases.leaveWorker(this.o.workerId);
    return released;
  }

  /** Tenants nobody holds, starting at a place that differs per worker so they do not all race. */
  async #free(tenants: readonly string[], now: number, rank: number): Promise<string[]> {
    const rows = new Map((await this.o.leases.leases()).map((l) => [l.tenant, l]));
    const free = [...tenants].sort().filter((tenant) => {
      if (this.#held.has(tenant)) return false;
      const lease = rows.get(tenant);
      return !lease || lease.owner === null || lease.expiresAt <= now;
    });
    const start = free.length === 0 ? 0 : (rank * Math.ceil(free.length / 2)) % free.length;
    return [...free.slice(start), ...free.slice(0, start)];
  }

  async #heartbeat(): Promise<void> {
    await this.o.leases.heartbeat({
      workerId: this.o.workerId,
      host: this.o.host,
      pid: this.o.pid,
      startedAt: this.#startedAt,
      heartbeatAt: this.o.clock.now(),
    });
  }

  async #release(tenant: string, token: number): Promise<void> {
    this.#held.delete(tenant);
    this.#until.delete(tenant);
    await this.o.leases.release(tenant, this.o.workerId, token);
  }

  #lose(tenant: string): void {
    this.#until.delete(tenant);
    if (!this.#held.delete(tenant)) return;
    this.o
      .log()
      .warn(
        { event: 'cluster.lease-lost', worker: this.o.workerId, tenant },
        'another worker holds this tenant now; this worker stopped writing for it',
      );
  }
}
