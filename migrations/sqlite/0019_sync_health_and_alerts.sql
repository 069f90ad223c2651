-- Sync health per tenant and the open operational alerts (issue 15). Times in ms since the epoch.
-- Ids, error classes and counts only: no personal data. Both have a tenant_id, so offboarding deletes
-- a tenant's rows (src/tenants/tenant-tables.ts).

-- The last outcome of a tenant's sync rounds: when one last succeeded, since when they fail and why
-- (the error's class and the service that answered, never its message).
CREATE TABLE sync_health (
  tenant_id     TEXT    PRIMARY KEY,
  last_ok_at    INTEGER,
  failing_since INTEGER,
  error_kind    TEXT,
  error_class   TEXT,
  updated_at    INTEGER NOT NULL
);

-- One open alert per tenant and kind: repeated conditions are folded into it, and it is deleted when
-- the recovery notice is sent. The insert that opens it decides which process sends the alert.
CREATE TABLE ops_alerts (
  tenant_id  TEXT    NOT NULL,
  kind       TEXT    NOT NULL,
  opened_at  INTEGER NOT NULL,
  -- JSON: counts and error classes for the mails.
  detail     TEXT    NOT NULL,
  PRIMARY KEY (tenant_id, kind)
);

CREATE TRIGGER sync_health_terminated_insert BEFORE INSERT ON sync_health
  WHEN EXISTS (SELECT 1 FROM tenants WHERE id = NEW.tenant_id AND status = 'terminated')
BEGIN
  SELECT RAISE(ABORT, 'tenant is terminated: its rows cannot be written (koppel_tenant_terminated)');
END;

CREATE TRIGGER sync_health_terminated_update BEFORE UPDATE ON sync_health
  WHEN EXISTS (SELECT 1 FROM tenants WHERE id = NEW.tenant_id AND status = 'terminated')
BEGIN
  SELECT RAISE(ABORT, 'tenant is terminated: its rows cannot be written (koppel_tenant_terminated)');
END;

CREATE TRIGGER ops_alerts_terminated_insert BEFORE INSERT ON ops_alerts
  WHEN EXISTS (SELECT 1 FROM tenants WHERE id = NEW.tenant_id AND status = 'terminated')
BEGIN
  SELECT RAISE(ABORT, 'tenant is terminated: its rows cannot be written (koppel_tenant_terminated)');
END;
