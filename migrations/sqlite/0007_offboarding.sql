-- Offboarding: when a terminated tenant's rows are deleted (at most 30 days after termination), and
-- the deletion certificates handed to the customer (counts and times only, no personal data).
ALTER TABLE tenants ADD COLUMN deletion_due_at INTEGER;

CREATE TABLE deletion_certificates (
  id          INTEGER PRIMARY KEY AUTOINCREMENT,
  tenant_id   TEXT    NOT NULL,
  issued_at   INTEGER NOT NULL,
  certificate TEXT    NOT NULL,
  sha256      TEXT    NOT NULL
);
