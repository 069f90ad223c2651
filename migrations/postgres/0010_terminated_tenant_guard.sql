-- A terminated tenant's rows can never be written again, whichever process or code path tries: a
-- worker that started its round (or cached the tenant's key) before `koppel tenant terminate` ran gets
-- an error instead of leaving rows behind the deletion certificate. The check takes a FOR SHARE lock
-- on the tenant's row: `terminate` (an UPDATE of that row) waits for every writer that checked before
-- it, and a writer that checks after it waits for its commit and then sees the status. A tenant id
-- without a tenants row is not checked (queue tests use bare ids); a terminated tenant's row is never
-- deleted. Statement-level triggers: one check per statement, also for a 1,000-row enqueue.

CREATE FUNCTION koppel_refuse_terminated_rows() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  refused TEXT;
BEGIN
  PERFORM 1 FROM tenants WHERE id IN (SELECT DISTINCT tenant_id FROM new_rows) FOR SHARE;
  SELECT id INTO refused FROM tenants
    WHERE id IN (SELECT DISTINCT tenant_id FROM new_rows) AND status = 'terminated' LIMIT 1;
  IF refused IS NOT NULL THEN
    RAISE EXCEPTION 'tenant % is terminated: its rows cannot be written (koppel_tenant_terminated)', refused
      USING ERRCODE = 'KT001';
  END IF;
  RETURN NULL;
END
$$;

-- The same check for one row, where a statement-level trigger cannot name its columns.
CREATE FUNCTION koppel_refuse_terminated_row() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM 1 FROM tenants WHERE id = NEW.tenant_id FOR SHARE;
  IF EXISTS (SELECT 1 FROM tenants WHERE id = NEW.tenant_id AND status = 'terminated') THEN
    RAISE EXCEPTION 'tenant % is terminated: its rows cannot be written (koppel_tenant_terminated)', NEW.tenant_id
      USING ERRCODE = 'KT001';
  END IF;
  RETURN NEW;
END
$$;

CREATE TRIGGER queue_messages_terminated_insert AFTER INSERT ON queue_messages
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION koppel_refuse_terminated_rows();

CREATE TRIGGER queue_dedup_terminated_insert AFTER INSERT ON queue_dedup
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION koppel_refuse_terminated_rows();

CREATE TRIGGER sync_contacts_terminated_insert AFTER INSERT ON sync_contacts
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION koppel_refuse_terminated_rows();

CREATE TRIGGER sync_identities_terminated_insert AFTER INSERT ON sync_identities
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION koppel_refuse_terminated_rows();

CREATE TRIGGER sync_mailplus_index_terminated_insert AFTER INSERT ON sync_mailplus_index
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION koppel_refuse_terminated_rows();

CREATE TRIGGER sync_checkpoints_terminated_insert AFTER INSERT ON sync_checkpoints
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION koppel_refuse_terminated_rows();

CREATE TRIGGER sync_definitions_terminated_insert AFTER INSERT ON sync_definitions
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION koppel_refuse_terminated_rows();

CREATE TRIGGER tenant_keys_terminated_insert AFTER INSERT ON tenant_keys
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION koppel_refuse_terminated_rows();

CREATE TRIGGER sync_contacts_terminated_update AFTER UPDATE ON sync_contacts
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION koppel_refuse_terminated_rows();

CREATE TRIGGER sync_identities_terminated_update AFTER UPDATE ON sync_identities
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION koppel_refuse_terminated_rows();

CREATE TRIGGER sync_mailplus_index_terminated_update AFTER UPDATE ON sync_mailplus_index
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION koppel_refuse_terminated_rows();

CREATE TRIGGER sync_checkpoints_terminated_update AFTER UPDATE ON sync_checkpoints
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION koppel_refuse_terminated_rows();

CREATE TRIGGER sync_definitions_terminated_update AFTER UPDATE ON sync_definitions
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION koppel_refuse_terminated_rows();

-- Coalescing replaces a pending message's payload: new data, so refused too (claims and dead-lettering
-- leave the payload alone and still work, so a terminated tenant's messages can be settled).

CREATE TRIGGER queue_messages_terminated_payload BEFORE UPDATE OF payload ON queue_messages
  FOR EACH ROW EXECUTE FUNCTION koppel_refuse_terminated_row();

-- Termination cannot be undone, and a terminated tenant gets no settings again.
CREATE FUNCTION koppel_terminated_is_final() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF OLD.status = 'terminated' AND (NEW.status <> 'terminated'
      OR (NEW.settings IS NOT NULL AND NEW.settings IS DISTINCT FROM OLD.settings)) THEN
    RAISE EXCEPTION 'tenant % is terminated: it cannot be reactivated or given settings (koppel_tenant_terminated)', OLD.id
      USING ERRCODE = 'KT001';
  END IF;
  RETURN NEW;
END
$$;

CREATE TRIGGER tenants_terminated_final BEFORE UPDATE ON tenants
  FOR EACH ROW EXECUTE FUNCTION koppel_terminated_is_final();
