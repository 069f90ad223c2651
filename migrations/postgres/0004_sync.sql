-- Sync state. Only ids and keyed hashes (HMAC with the tenant's data key), never personal data.

-- Where each change feed stands: the Dataverse delta link, the Mail+ feed window.
CREATE TABLE sync_checkpoints (
  tenant_id  TEXT    NOT NULL,
  source     TEXT    NOT NULL,
  position   TEXT    NOT NULL,
  updated_at BIGINT  NOT NULL,
  PRIMARY KEY (tenant_id, source)
);

-- Per contact: the hash of each field as last agreed by both sides (synced), as last seen on each
-- side, and what koppel knows of the person's consent in Mail+.
CREATE TABLE sync_contacts (
  tenant_id      TEXT    NOT NULL,
  contact_id     TEXT    NOT NULL,
  synced         TEXT    NOT NULL,
  seen_dataverse TEXT    NOT NULL,
  seen_mailplus  TEXT    NOT NULL,
  in_mailplus    INTEGER NOT NULL DEFAULT 0,
  opted_out      INTEGER NOT NULL DEFAULT 0,
  -- Bits the person switched off in Mail+: koppel never switches them on again.
  withdrawn_bits TEXT    NOT NULL DEFAULT '[]',
  updated_at     BIGINT  NOT NULL,
  PRIMARY KEY (tenant_id, contact_id)
);

-- A tenant's sync definition (field mapping, scope); configuration, no personal data.
CREATE TABLE sync_definitions (
  tenant_id  TEXT    PRIMARY KEY,
  definition TEXT    NOT NULL,
  updated_at BIGINT  NOT NULL
);
