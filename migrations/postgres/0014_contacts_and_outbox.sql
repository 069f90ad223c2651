-- Breach-notice contacts per tenant and the durable mail outbox (issue 13). Times in ms since the epoch.

-- The controller's details and its ordered contact persons, sealed as one JSON document with the
-- tenant's own data key: they are personal data of the customer's staff. The tenant_id column makes
-- offboarding delete the row (src/tenants/tenant-tables.ts); the destroyed key already made it unreadable.
CREATE TABLE tenant_contacts (
  tenant_id   TEXT    PRIMARY KEY,
  contacts    BYTEA   NOT NULL,
  key_version BIGINT  NOT NULL,
  updated_at  BIGINT  NOT NULL
);

-- The guard of migration 0010 (koppel_refuse_terminated_rows) for this table too.
CREATE TRIGGER tenant_contacts_terminated_insert AFTER INSERT ON tenant_contacts
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION koppel_refuse_terminated_rows();

CREATE TRIGGER tenant_contacts_terminated_update AFTER UPDATE ON tenant_contacts
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION koppel_refuse_terminated_rows();

-- Every e-mail koppel sends (breach notices, follow-ups, the DPO's alerts, reminders). No tenant_id
-- column on purpose: an incident's mails are part of its record and survive the customer's
-- offboarding; `tenant` only names whom a mail concerns. Recipient, subject and body are sealed with
-- the pseudo-tenant key `_notifications` and erased (NULL) once the mail is delivered.
CREATE TABLE mail_outbox (
  id              TEXT    PRIMARY KEY,
  kind            TEXT    NOT NULL,
  incident_id     TEXT,
  tenant          TEXT,
  sealed          BYTEA,
  key_version     BIGINT,
  state           TEXT    NOT NULL CHECK (state IN ('pending', 'delivered', 'failed')),
  attempts        BIGINT  NOT NULL DEFAULT 0,
  next_attempt_at BIGINT,
  last_error      TEXT,
  created_at      BIGINT  NOT NULL,
  delivered_at    BIGINT,
  updated_at      BIGINT  NOT NULL
);
CREATE INDEX mail_outbox_due ON mail_outbox (state, next_attempt_at);

-- One row per delivery attempt and its outcome; the error is the SMTP code only, never an address.
CREATE TABLE mail_outbox_attempts (
  id      BIGSERIAL PRIMARY KEY,
  mail_id TEXT    NOT NULL REFERENCES mail_outbox (id) ON DELETE CASCADE,
  at      BIGINT  NOT NULL,
  outcome TEXT    NOT NULL CHECK (outcome IN ('sent', 'failed')),
  detail  TEXT    NOT NULL
);
CREATE INDEX mail_outbox_attempts_mail ON mail_outbox_attempts (mail_id);
