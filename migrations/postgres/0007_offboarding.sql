-- Offboarding: when a terminated tenant's rows are deleted (at most 30 days after termination), and
-- the deletion certificates handed to the customer (counts and times only, no personal data).
ALTER TABLE tenants ADD COLUMN deletion_due_at BIGINT;

CREATE TABLE deletion_certificates (
  id          BIGSERIAL PRIMARY KEY,
  tenant_id   TEXT   NOT NULL,
  issued_at   BIGINT NOT NULL,
  certificate TEXT   NOT NULL,
  sha256      TEXT   NOT NULL
);
