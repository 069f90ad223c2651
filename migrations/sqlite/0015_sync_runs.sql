-- The sync-run history (issue 14): one row per tenant round, and the records a round rejected. Ids,
-- counts, error classes and reasons only (reasons name fields and rules, never values). Kept
-- runs.retentionDays (30) days by the retention job; the tenant_id columns make offboarding delete them.
CREATE TABLE sync_runs (
  id                INTEGER PRIMARY KEY AUTOINCREMENT,
  tenant_id         TEXT    NOT NULL,
  -- initial (first load), live, or resync (a full resync after an expired change token).
  kind              TEXT    NOT NULL CHECK (kind IN ('initial', 'live', 'resync')),
  started_at        INTEGER NOT NULL,
  ended_at          INTEGER NOT NULL,
  outcome           TEXT    NOT NULL CHECK (outcome IN ('ok', 'failed')),
  dataverse_read    INTEGER NOT NULL DEFAULT 0,
  mailplus_read     INTEGER NOT NULL DEFAULT 0,
  dataverse_written INTEGER NOT NULL DEFAULT 0,
  mailplus_written  INTEGER NOT NULL DEFAULT 0,
  rejected          INTEGER NOT NULL DEFAULT 0,
  retries           INTEGER NOT NULL DEFAULT 0,
  rate_limited      INTEGER NOT NULL DEFAULT 0,
  -- For a failed round: the error's class (e.g. RetryableError) and code, never its message.
  error_class       TEXT,
  error_code        TEXT
);
-- The dashboard's per-tenant buckets and last round, and the runs listing, read by tenant and time;
-- the retention purge and the all-tenant listing by time alone.
CREATE INDEX sync_runs_tenant_started ON sync_runs (tenant_id, started_at);
CREATE INDEX sync_runs_started ON sync_runs (started_at);

-- Per-record outcomes of a round: each field a record was rejected for (one row per field).
CREATE TABLE sync_run_rejects (
  id              INTEGER PRIMARY KEY AUTOINCREMENT,
  run_id          INTEGER NOT NULL,
  tenant_id       TEXT    NOT NULL,
  at              INTEGER NOT NULL,
  -- Where the record was going: mailplus or dataverse.
  side            TEXT    NOT NULL,
  -- koppel's contact id (the Dataverse contactid), never an e-mail address.
  contact_id      TEXT    NOT NULL,
  field           TEXT,
  rule            TEXT    NOT NULL,
  -- The dead-letter reason (rejected, permanent, MaxDeliveryCountExceeded, ...).
  reason          TEXT    NOT NULL,
  dead_letter_seq INTEGER
);
CREATE INDEX sync_run_rejects_run ON sync_run_rejects (run_id, id);
CREATE INDEX sync_run_rejects_tenant_at ON sync_run_rejects (tenant_id, at);

-- The rounds of each tenant summed per hour (hour = ms epoch of the UTC hour's start), updated with
-- each round: the dashboard's 24-hour and 30-day charts read 24 and 720 rows a tenant instead of
-- every round (a round every 5 minutes is 8,640 rows a tenant in 30 days).
CREATE TABLE sync_run_hours (
  tenant_id         TEXT    NOT NULL,
  hour              INTEGER  NOT NULL,
  rounds            INTEGER  NOT NULL,
  failed            INTEGER  NOT NULL,
  dataverse_read    INTEGER  NOT NULL,
  mailplus_read     INTEGER  NOT NULL,
  dataverse_written INTEGER  NOT NULL,
  mailplus_written  INTEGER  NOT NULL,
  rejected          INTEGER  NOT NULL,
  retries           INTEGER  NOT NULL,
  rate_limited      INTEGER  NOT NULL,
  -- When the hour's last successful round ended; null when none succeeded (the lag chart).
  last_ok_at        INTEGER,
  PRIMARY KEY (tenant_id, hour)
);
CREATE INDEX sync_run_hours_hour ON sync_run_hours (hour);

CREATE TRIGGER sync_runs_terminated_insert BEFORE INSERT ON sync_runs
  WHEN EXISTS (SELECT 1 FROM tenants WHERE id = NEW.tenant_id AND status = 'terminated')
BEGIN
  SELECT RAISE(ABORT, 'tenant is terminated: its rows cannot be written (koppel_tenant_terminated)');
END;

CREATE TRIGGER sync_run_rejects_terminated_insert BEFORE INSERT ON sync_run_rejects
  WHEN EXISTS (SELECT 1 FROM tenants WHERE id = NEW.tenant_id AND status = 'terminated')
BEGIN
  SELECT RAISE(ABORT, 'tenant is terminated: its rows cannot be written (koppel_tenant_terminated)');
END;

CREATE TRIGGER sync_run_hours_terminated_insert BEFORE INSERT ON sync_run_hours
  WHEN EXISTS (SELECT 1 FROM tenants WHERE id = NEW.tenant_id AND status = 'terminated')
BEGIN
  SELECT RAISE(ABORT, 'tenant is terminated: its rows cannot be written (koppel_tenant_terminated)');
END;
