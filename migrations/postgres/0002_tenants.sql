-- Tenants: one per customer (controller). Connection settings, secrets included, are sealed with the
-- tenant's own data key, so destroying that key (offboarding) also makes the settings unreadable.
CREATE TABLE tenants (
  id                   TEXT    PRIMARY KEY,
  name                 TEXT    NOT NULL,
  -- active | paused | terminated
  status               TEXT    NOT NULL DEFAULT 'active',
  settings             BYTEA,
  settings_key_version INTEGER,
  created_at           BIGINT  NOT NULL,
  updated_at           BIGINT  NOT NULL,
  terminated_at        BIGINT
);
