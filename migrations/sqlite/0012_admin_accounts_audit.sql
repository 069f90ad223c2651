-- Administrators, their sessions and the audit log (issue 12). Times are milliseconds since the epoch.
-- No table here has a tenant_id column: offboarding deletes every row of a tenant from such tables,
-- and the audit log (which names tenants as the target of an action) must survive it.

-- At most two with role 'admin' (src/admin/admin-store.ts checks in the inserting transaction).
-- password_hash holds its own scrypt parameters; totp_secret is sealed with the key ring; used_codes
-- remembers the TOTP time steps already accepted (JSON array), so a code works once.
CREATE TABLE admins (
  username              TEXT    PRIMARY KEY,
  role                  TEXT    NOT NULL CHECK (role IN ('admin', 'dpo')),
  password_hash         TEXT    NOT NULL,
  totp_secret           BLOB    NOT NULL,
  totp_key_version      INTEGER NOT NULL,
  totp_last_step        INTEGER NOT NULL DEFAULT 0,
  recovery_hashes       TEXT    NOT NULL,
  confidentiality_version TEXT  NOT NULL,
  confidentiality_accepted_at INTEGER NOT NULL,
  created_at            INTEGER NOT NULL,
  updated_at            INTEGER NOT NULL
);

-- Only the SHA-256 of the session token is stored: a copy of the database opens no session.
CREATE TABLE admin_sessions (
  token_hash   TEXT    PRIMARY KEY,
  username     TEXT    NOT NULL REFERENCES admins (username) ON DELETE CASCADE,
  csrf_token   TEXT    NOT NULL,
  created_at   INTEGER NOT NULL,
  last_seen_at INTEGER NOT NULL,
  address      TEXT    NOT NULL
);

-- Failed logins by username and by address, for the lockout (5 in 15 minutes). The username is kept
-- as its SHA-256 only: what was typed there may be a password or an e-mail address.
CREATE TABLE admin_login_failures (
  id          INTEGER PRIMARY KEY AUTOINCREMENT,
  username_hash TEXT  NOT NULL,
  address     TEXT    NOT NULL,
  occurred_at INTEGER NOT NULL
);
CREATE INDEX admin_login_failures_time ON admin_login_failures (occurred_at);

-- Append-only, hash-chained: hash = SHA-256(prev_hash || the entry's canonical JSON).
CREATE TABLE audit_log (
  seq         INTEGER PRIMARY KEY,
  at          INTEGER NOT NULL,
  actor       TEXT    NOT NULL,
  address     TEXT    NOT NULL,
  action      TEXT    NOT NULL,
  target      TEXT,
  result      TEXT    NOT NULL,
  detail      TEXT    NOT NULL,
  prev_hash   TEXT    NOT NULL,
  hash        TEXT    NOT NULL
);

-- Where the chain starts after retention purged its oldest entries: the hash the first kept entry
-- follows. One row (id 1), absent until the first purge.
CREATE TABLE audit_anchor (
  id        INTEGER PRIMARY KEY CHECK (id = 1),
  seq       INTEGER NOT NULL,
  hash      TEXT    NOT NULL,
  purged_at INTEGER NOT NULL
);
