-- Key rotation and retention bookkeeping (issue 5). Times are milliseconds since the Unix epoch.

-- When `koppel keys rotate` last re-wrapped a tenant key under a new master key.
ALTER TABLE tenant_keys ADD COLUMN rewrapped_at BIGINT;

-- Master keys by id (a fingerprint, never the key): their age for `koppel doctor`, and whether a
-- rotation retired them, so a process still holding a retired key stops wrapping new keys with it.
CREATE TABLE master_keys (
  id            TEXT   PRIMARY KEY,
  first_used_at BIGINT NOT NULL,
  retired_at    BIGINT
);

-- Stores that held tenant keys before this migration: their master keys were in use since then.
INSERT INTO master_keys (id, first_used_at)
  SELECT master_key_id, MIN(created_at) FROM tenant_keys GROUP BY master_key_id;

-- One row per retention class: when its purge last ran, how many items it deleted, the error if it failed.
CREATE TABLE retention_runs (
  class   TEXT   PRIMARY KEY,
  ran_at  BIGINT NOT NULL,
  purged  BIGINT NOT NULL,
  error   TEXT
);
