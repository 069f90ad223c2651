-- The breach (datalek) register (issue 13). Times are milliseconds since the epoch.
-- No table here has a tenant_id column: offboarding deletes every row of a tenant from such tables, and
-- an incident that involved a customer must survive that customer's offboarding (Art. 33(5) GDPR).

-- One row per incident, holding only derived, non-personal columns for listing and retention. The
-- incident itself is its events: the register updates this row with each event, in the same transaction.
-- purge_after is set when the incident is closed (closed_at + incidents.retentionYears).
CREATE TABLE incidents (
  id          TEXT    PRIMARY KEY,
  state       TEXT    NOT NULL,
  opened_at   INTEGER NOT NULL,
  closed_at   INTEGER,
  purge_after INTEGER
);
CREATE INDEX incidents_state ON incidents (state);

-- The append-only history. body is the event's JSON, sealed with the key ring's `_incidents` key
-- (free texts may name customers' staff); type is in the clear so jobs can find events without opening.
CREATE TABLE incident_events (
  incident_id TEXT    NOT NULL REFERENCES incidents (id),
  seq         INTEGER NOT NULL,
  at          INTEGER NOT NULL,
  actor       TEXT    NOT NULL,
  role        TEXT    NOT NULL,
  address     TEXT    NOT NULL,
  type        TEXT    NOT NULL,
  body        BLOB    NOT NULL,
  key_version INTEGER NOT NULL,
  PRIMARY KEY (incident_id, seq)
);

-- Evidence files: the bytes and the name sealed, the size and SHA-256 (of the plain bytes) in the clear.
CREATE TABLE incident_evidence (
  id          TEXT    PRIMARY KEY,
  incident_id TEXT    NOT NULL REFERENCES incidents (id),
  name        BLOB    NOT NULL,
  content     BLOB    NOT NULL,
  key_version INTEGER NOT NULL,
  bytes       INTEGER NOT NULL,
  sha256      TEXT    NOT NULL,
  added_at    INTEGER NOT NULL,
  added_by    TEXT    NOT NULL
);
CREATE INDEX incident_evidence_incident ON incident_evidence (incident_id);

-- Append-only in the database itself, whichever code path tries: events and evidence are never
-- updated; they (and the incident row) are deleted only when the incident is closed and past its
-- purge_after by the database's own clock. An open incident is never deleted; a closed one stays closed.

CREATE TRIGGER incident_events_no_update BEFORE UPDATE ON incident_events
BEGIN
  SELECT RAISE(ABORT, 'incident events are append-only: they cannot be updated (koppel_incident_append_only)');
END;

CREATE TRIGGER incident_evidence_no_update BEFORE UPDATE ON incident_evidence
BEGIN
  SELECT RAISE(ABORT, 'incident evidence is append-only: it cannot be updated (koppel_incident_append_only)');
END;

CREATE TRIGGER incident_events_no_delete BEFORE DELETE ON incident_events
  WHEN NOT EXISTS (
    SELECT 1 FROM incidents WHERE id = OLD.incident_id AND state = 'closed' AND purge_after IS NOT NULL
      AND purge_after <= CAST(strftime('%s', 'now') AS INTEGER) * 1000)
BEGIN
  SELECT RAISE(ABORT, 'incident events are deleted only when the incident is closed and past its retention (koppel_incident_append_only)');
END;

CREATE TRIGGER incident_evidence_no_delete BEFORE DELETE ON incident_evidence
  WHEN NOT EXISTS (
    SELECT 1 FROM incidents WHERE id = OLD.incident_id AND state = 'closed' AND purge_after IS NOT NULL
      AND purge_after <= CAST(strftime('%s', 'now') AS INTEGER) * 1000)
BEGIN
  SELECT RAISE(ABORT, 'incident evidence is deleted only when the incident is closed and past its retention (koppel_incident_append_only)');
END;

CREATE TRIGGER incidents_no_delete BEFORE DELETE ON incidents
  WHEN NOT (OLD.state = 'closed' AND OLD.purge_after IS NOT NULL
    AND OLD.purge_after <= CAST(strftime('%s', 'now') AS INTEGER) * 1000)
BEGIN
  SELECT RAISE(ABORT, 'an incident is deleted only when it is closed and past its retention (koppel_incident_append_only)');
END;

CREATE TRIGGER incidents_closed_final BEFORE UPDATE ON incidents
  WHEN OLD.state = 'closed'
BEGIN
  SELECT RAISE(ABORT, 'a closed incident cannot be changed (koppel_incident_append_only)');
END;
