-- Breach-notice contacts per tenant and the durable mail outbox (issue 13). Times in ms since the epoch.

-- The controller's details and its ordered contact persons, sealed as one JSON document with the
-- tenant's own data key: they are personal data of the customer's staff. The tenant_id column makes
-- offboarding delete the row (src/tenants/tenant-tables.ts); the destroyed key already made it unreadable.
CREATE TABLE tenant_contacts (
  tenant_id   TEXT    PRIMARY KEY,
  contacts    BLOB    NOT NULL,
  key_version INTEGER NOT NULL,
  updated_at  INTEGER NOT NULL
);

CREATE TRIGGER tenant_contacts_terminated_insert BEFORE INSERT ON tenant_contacts
  WHEN EXISTS (SELECT 1 FROM tenants WHERE id = NEW.tenant_id AND status = 'terminated')
BEGIN
  SELECT RAISE(ABORT, 'tenant is terminated: its rows cannot be written (koppel_tenant_terminated)');
END;

CREATE TRIGGER tenant_contacts_terminated_update BEFORE UPDATE ON tenant_contacts
  WHEN EXISTS (SELECT 1 FROM tenants WHERE id = NEW.tenant_id AND status = 'terminated')
BEGIN
  SELECT RAISE(ABORT, 'tenant is terminated: its rows cannot be written (koppel_tenant_terminated)');
END;

-- Every e-mail koppel sends (breach notices, follow-ups, the DPO's alerts, reminders). No tenant_id
-- column on purpose: an incident's mails are part of its record and survive the customer's
-- offboarding; `tenant` only names whom a mail concerns. Recipient, subject and body are sealed with
-- the pseudo-tenant key `_notifications` and erased (NULL) once the mail is delivered.
CREATE TABLE mail_outbox (
  id              TEXT    PRIMARY KEY,
  kind            TEXT    NOT NULL,
  incident_id     TEXT,
  tenant          TEXT,
  sealed          BLOB,
  key_version     INTEGER,
  -- pending | delivered | failed
  state           TEXT    NOT NULL CHECK (state IN ('pending', 'delivered', 'failed')),
  attempts        INTEGER NOT NULL DEFAULT 0,
  next_attempt_at INTEGER,
  last_error      TEXT,
  created_at      INTEGER NOT NULL,
  delivered_at    INTEGER,
  updated_at      INTEGER NOT NULL
);
CREATE INDEX mail_outbox_due ON mail_outbox (state, next_attempt_at);

-- One row per delivery attempt and its outcome; the error is the SMTP code only, never an address.
CREATE TABLE mail_outbox_attempts (
  id      INTEGER PRIMARY KEY AUTOINCREMENT,
  mail_id TEXT    NOT NULL REFERENCES mail_outbox (id) ON DELETE CASCADE,
  at      INTEGER NOT NULL,
  outcome TEXT    NOT NULL CHECK (outcome IN ('sent', 'failed')),
  detail  TEXT    NOT NULL
);
CREATE INDEX mail_outbox_attempts_mail ON mail_outbox_attempts (mail_id);
