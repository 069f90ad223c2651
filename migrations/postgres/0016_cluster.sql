-- Coordination of several koppel workers around one store (issue 15, docs/cluster.md). Times are ms
-- since the epoch from the workers' injected clocks. No tenant_id column on purpose: a lease's fencing
-- token must keep counting up after a tenant is offboarded (a reused token could let a stale writer
-- through), and the rows hold ids only, no personal data.

-- Every worker process that runs (or ran) the sync; a worker is live while its heartbeat is fresher
-- than one lease time. A stopping worker deletes its row.
CREATE TABLE cluster_workers (
  worker_id    TEXT    PRIMARY KEY,
  host         TEXT    NOT NULL,
  pid          BIGINT NOT NULL,
  started_at   BIGINT NOT NULL,
  heartbeat_at BIGINT NOT NULL
);

-- One row per tenant: who syncs it. token counts up on every acquisition (takeover), never down;
-- every sync-state write of the owner checks it in its own transaction (the fence). owner is NULL
-- once released.
CREATE TABLE tenant_leases (
  tenant      TEXT    PRIMARY KEY,
  owner       TEXT,
  token       BIGINT NOT NULL,
  expires_at  BIGINT NOT NULL,
  acquired_at BIGINT NOT NULL
);

-- Jobs that run once per interval across the cluster (retention, the incident due jobs): a worker
-- runs a job only if it moved last_run_at forward itself, in one conditional UPDATE.
CREATE TABLE cluster_jobs (
  job         TEXT    PRIMARY KEY,
  owner       TEXT,
  last_run_at BIGINT NOT NULL
);
