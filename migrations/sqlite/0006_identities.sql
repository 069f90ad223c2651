-- Identity links for contacts that already existed in Mail+ under another externalId: Mail+ cannot
-- change an externalId, so koppel remembers the link. Ids only.
CREATE TABLE sync_identities (
  tenant_id   TEXT    NOT NULL,
  contact_id  TEXT    NOT NULL,
  mailplus_id TEXT    NOT NULL,
  linked_at   INTEGER NOT NULL,
  PRIMARY KEY (tenant_id, contact_id)
);

CREATE UNIQUE INDEX sync_identities_mailplus ON sync_identities (tenant_id, mailplus_id);

-- The existing Mail+ contacts, read once before the initial load to match by externalId and by e-mail.
-- The e-mail address is kept only as a keyed hash; the rows are deleted when the initial load is done.
CREATE TABLE sync_mailplus_index (
  tenant_id   TEXT NOT NULL,
  mailplus_id TEXT NOT NULL,
  email_hash  TEXT,
  -- The person's consent as Mail+ holds it, so a matched contact is never re-subscribed.
  opted_out   INTEGER NOT NULL DEFAULT 0,
  off_bits    TEXT    NOT NULL DEFAULT '[]',
  PRIMARY KEY (tenant_id, mailplus_id)
);

CREATE INDEX sync_mailplus_index_email ON sync_mailplus_index (tenant_id, email_hash);
