-- koppel store, SQLite. Times are milliseconds since the Unix epoch.

CREATE TABLE tenant_keys (
  tenant_id     TEXT    NOT NULL,
  version       INTEGER NOT NULL,
  -- The tenant's AES-256 data key, wrapped (AES-256-GCM) by the master key; NULL once destroyed.
  wrapped_key   BLOB,
  master_key_id TEXT    NOT NULL,
  created_at    INTEGER NOT NULL,
  destroyed_at  INTEGER,
  PRIMARY KEY (tenant_id, version)
);

CREATE TABLE queue_messages (
  seq            INTEGER PRIMARY KEY AUTOINCREMENT,
  tenant_id      TEXT    NOT NULL,
  queue          TEXT    NOT NULL,
  message_id     TEXT    NOT NULL,
  order_key      TEXT,
  -- 0 = live (ready, scheduled or leased), 1 = dead-lettered.
  state          INTEGER NOT NULL DEFAULT 0,
  -- Claimable when visible_at <= now; a claim moves it to the lease's end, an abandon to the backoff's end.
  visible_at     INTEGER NOT NULL,
  lease_token    TEXT,
  delivery_count INTEGER NOT NULL DEFAULT 0,
  max_deliveries INTEGER NOT NULL,
  enqueued_at    INTEGER NOT NULL,
  key_version    INTEGER NOT NULL,
  payload        BLOB    NOT NULL,
  last_error     TEXT,
  dead_reason    TEXT,
  dead_description TEXT,
  dead_at        INTEGER
);

CREATE INDEX queue_messages_claim ON queue_messages (queue, visible_at, seq) WHERE state = 0;
CREATE INDEX queue_messages_order ON queue_messages (queue, tenant_id, order_key, seq) WHERE state = 0;
CREATE INDEX queue_messages_dead ON queue_messages (dead_at) WHERE state = 1;
CREATE INDEX queue_messages_tenant ON queue_messages (tenant_id);

CREATE TABLE queue_dedup (
  tenant_id  TEXT    NOT NULL,
  queue      TEXT    NOT NULL,
  message_id TEXT    NOT NULL,
  expires_at INTEGER NOT NULL,
  PRIMARY KEY (tenant_id, queue, message_id)
);

CREATE INDEX queue_dedup_expiry ON queue_dedup (expires_at);

-- Security events (e.g. a ciphertext that failed authentication) for the incident register. Never personal data.
CREATE TABLE security_events (
  id          INTEGER PRIMARY KEY AUTOINCREMENT,
  kind        TEXT    NOT NULL,
  tenant_id   TEXT,
  subject     TEXT,
  detail      TEXT    NOT NULL,
  occurred_at INTEGER NOT NULL,
  handled_at  INTEGER
);
