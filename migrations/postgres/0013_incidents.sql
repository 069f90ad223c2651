-- The breach (datalek) register (issue 13). Times are milliseconds since the epoch.
-- No table here has a tenant_id column: offboarding deletes every row of a tenant from such tables, and
-- an incident that involved a customer must survive that customer's offboarding (Art. 33(5) GDPR).

-- One row per incident, holding only derived, non-personal columns for listing and retention. The
-- incident itself is its events: the register updates this row with each event, in the same transaction.
-- purge_after is set when the incident is closed (closed_at + incidents.retentionYears).
CREATE TABLE incidents (
  id          TEXT    PRIMARY KEY,
  state       TEXT    NOT NULL,
  opened_at   BIGINT  NOT NULL,
  closed_at   BIGINT,
  purge_after BIGINT
);
CREATE INDEX incidents_state ON incidents (state);

-- The append-only history. body is the event's JSON, sealed with the key ring's `_incidents` key
-- (free texts may name customers' staff); type is in the clear so jobs can find events without opening.
CREATE TABLE incident_events (
  incident_id TEXT    NOT NULL REFERENCES incidents (id),
  seq         BIGINT  NOT NULL,
  at          BIGINT  NOT NULL,
  actor       TEXT    NOT NULL,
  role        TEXT    NOT NULL,
  address     TEXT    NOT NULL,
  type        TEXT    NOT NULL,
  body        BYTEA   NOT NULL,
  key_version BIGINT  NOT NULL,
  PRIMARY KEY (incident_id, seq)
);

-- Evidence files: the bytes and the name sealed, the size and SHA-256 (of the plain bytes) in the clear.
CREATE TABLE incident_evidence (
  id          TEXT    PRIMARY KEY,
  incident_id TEXT    NOT NULL REFERENCES incidents (id),
  name        BYTEA   NOT NULL,
  content     BYTEA   NOT NULL,
  key_version BIGINT  NOT NULL,
  bytes       BIGINT  NOT NULL,
  sha256      TEXT    NOT NULL,
  added_at    BIGINT  NOT NULL,
  added_by    TEXT    NOT NULL
);
CREATE INDEX incident_evidence_incident ON incident_evidence (incident_id);

-- Append-only in the database itself, whichever code path tries: events and evidence are never
-- updated; they (and the incident row) are deleted only when the incident is closed and past its
-- purge_after by the database's own clock. An open incident is never deleted; a closed one stays closed.

CREATE FUNCTION koppel_incident_purgeable(incident TEXT) RETURNS boolean LANGUAGE sql STABLE AS $$
  SELECT EXISTS (SELECT 1 FROM incidents WHERE id = incident AND state = 'closed'
    AND purge_after IS NOT NULL AND purge_after <= (extract(epoch FROM now()) * 1000)::bigint)
$$;

CREATE FUNCTION koppel_incident_rows_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE' THEN
    RAISE EXCEPTION '% rows are append-only: they cannot be updated (koppel_incident_append_only)', TG_TABLE_NAME
      USING ERRCODE = 'KI001';
  END IF;
  IF NOT koppel_incident_purgeable(OLD.incident_id) THEN
    RAISE EXCEPTION '% rows are deleted only when the incident is closed and past its retention (koppel_incident_append_only)', TG_TABLE_NAME
      USING ERRCODE = 'KI001';
  END IF;
  RETURN OLD;
END
$$;

CREATE TRIGGER incident_events_append_only BEFORE UPDATE OR DELETE ON incident_events
  FOR EACH ROW EXECUTE FUNCTION koppel_incident_rows_guard();

CREATE TRIGGER incident_evidence_append_only BEFORE UPDATE OR DELETE ON incident_evidence
  FOR EACH ROW EXECUTE FUNCTION koppel_incident_rows_guard();

CREATE FUNCTION koppel_incident_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF OLD.state = 'closed' AND TG_OP = 'UPDATE' THEN
    RAISE EXCEPTION 'a closed incident cannot be changed (koppel_incident_append_only)' USING ERRCODE = 'KI001';
  END IF;
  IF TG_OP = 'DELETE' AND NOT (OLD.state = 'closed' AND OLD.purge_after IS NOT NULL
      AND OLD.purge_after <= (extract(epoch FROM now()) * 1000)::bigint) THEN
    RAISE EXCEPTION 'an incident is deleted only when it is closed and past its retention (koppel_incident_append_only)'
      USING ERRCODE = 'KI001';
  END IF;
  IF TG_OP = 'DELETE' THEN
    RETURN OLD;
  END IF;
  RETURN NEW;
END
$$;

CREATE TRIGGER incidents_guard BEFORE UPDATE OR DELETE ON incidents
  FOR EACH ROW EXECUTE FUNCTION koppel_incident_guard();
