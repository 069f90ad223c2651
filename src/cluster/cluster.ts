import type { Clock } from '../clock.js';
import type { Logger } from '../log/logger.js';
import type { LeaseOwner } from '../queue/lease-owner.js';
import type { Store } from '../store/open-store.js';
import { ClusterJobs, type JobRow } from './cluster-jobs.js';
import { Coordinator } from './coordinator.js';
import { type LeaseRow, LeaseStore, type WorkerRow } from './lease-store.js';
import { releaseOwnClaims } from './queue-claims.js';

export interface ClusterStatus {
  workers: Array<WorkerRow & { live: boolean; tenants: string[] }>;
  leases: Array<LeaseRow & { live: boolean }>;
  jobs: JobRow[];
}

/**
 * What one process knows of the cluster of workers around its store (docs/cluster.md). createApp
 * builds it for every process; only a worker joins (`koppel worker`, `koppel run`).
 */
export class Cluster {
  readonly leases: LeaseStore;
  readonly coordinator: Coordinator;
  readonly jobs: ClusterJobs;

  constructor(
    private readonly deps: {
      store: Store;
      clock: Clock;
      leaseMs: number;
      owner: LeaseOwner;
      log: () => Logger;
    },
  ) {
    const { store, clock, leaseMs, owner } = deps;
    this.leases = new LeaseStore(store);
    const workerId = `${owner.host}/${owner.pid}/${owner.instance.slice(0, 8)}`;
    this.coordinator = new Coordinator({
      leases: this.leases,
      clock,
      leaseMs,
      workerId,
      host: owner.host,
      pid: owner.pid,
      log: deps.log,
    });
    this.jobs = new ClusterJobs(store, clock, workerId);
  }

  /** This process's queue claims back to the queue (a graceful stop that could not wait longer). */
  releaseQueueClaims(): Promise<number> {
    return releaseOwnClaims(this.deps.store, this.deps.owner, this.deps.clock.now());
  }

  /** Workers (live: heartbeat within a lease time), the tenants each holds, every lease and job. */
  async status(): Promise<ClusterStatus> {
    const now = this.deps.clock.now();
    const leases = (await this.leases.leases()).map((l) => ({
      ...l,
      live: l.owner !== null && l.expiresAt > now,
    }));
    const workers = (await this.leases.workers()).map((w) => ({
      ...w,
      live: w.heartbeatAt > now - this.deps.leaseMs,
      tenants: leases.filter((l) => l.live && l.owner === w.workerId).map((l) => l.tenant),
    }));
    return { workers, leases, jobs: await this.jobs.list() };
  }
}
