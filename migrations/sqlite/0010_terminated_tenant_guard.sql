-- A terminated tenant's rows can never be written again, whichever process or code path tries: a
-- worker that started its round (or cached the tenant's key) before `koppel tenant terminate` ran gets
-- an error instead of leaving rows behind the deletion certificate. SQLite runs one write transaction
-- at a time, so the check and the termination cannot interleave. A tenant id without a tenants row
-- is not checked (queue tests use bare ids); a terminated tenant's row is never deleted.

CREATE TRIGGER queue_messages_terminated_insert BEFORE INSERT ON queue_messages
  WHEN EXISTS (SELECT 1 FROM tenants WHERE id = NEW.tenant_id AND status = 'terminated')
BEGIN
  SELECT RAISE(ABORT, 'tenant is terminated: its rows cannot be written (koppel_tenant_terminated)');
END;

CREATE TRIGGER queue_dedup_terminated_insert BEFORE INSERT ON queue_dedup
  WHEN EXISTS (SELECT 1 FROM tenants WHERE id = NEW.tenant_id AND status = 'terminated')
BEGIN
  SELECT RAISE(ABORT, 'tenant is terminated: its rows cannot be written (koppel_tenant_terminated)');
END;

CREATE TRIGGER sync_contacts_terminated_insert BEFORE INSERT ON sync_contacts
  WHEN EXISTS (SELECT 1 FROM tenants WHERE id = NEW.tenant_id AND status = 'terminated')
BEGIN
  SELECT RAISE(ABORT, 'tenant is terminated: its rows cannot be written (koppel_tenant_terminated)');
END;

CREATE TRIGGER sync_identities_terminated_insert BEFORE INSERT ON sync_identities
  WHEN EXISTS (SELECT 1 FROM tenants WHERE id = NEW.tenant_id AND status = 'terminated')
BEGIN
  SELECT RAISE(ABORT, 'tenant is terminated: its rows cannot be written (koppel_tenant_terminated)');
END;

CREATE TRIGGER sync_mailplus_index_terminated_insert BEFORE INSERT ON sync_mailplus_index
  WHEN EXISTS (SELECT 1 FROM tenants WHERE id = NEW.tenant_id AND status = 'terminated')
BEGIN
  SELECT RAISE(ABORT, 'tenant is terminated: its rows cannot be written (koppel_tenant_terminated)');
END;

CREATE TRIGGER sync_checkpoints_terminated_insert BEFORE INSERT ON sync_checkpoints
  WHEN EXISTS (SELECT 1 FROM tenants WHERE id = NEW.tenant_id AND status = 'terminated')
BEGIN
  SELECT RAISE(ABORT, 'tenant is terminated: its rows cannot be written (koppel_tenant_terminated)');
END;

CREATE TRIGGER sync_definitions_terminated_insert BEFORE INSERT ON sync_definitions
  WHEN EXISTS (SELECT 1 FROM tenants WHERE id = NEW.tenant_id AND status = 'terminated')
BEGIN
  SELECT RAISE(ABORT, 'tenant is terminated: its rows cannot be written (koppel_tenant_terminated)');
END;

CREATE TRIGGER tenant_keys_terminated_insert BEFORE INSERT ON tenant_keys
  WHEN EXISTS (SELECT 1 FROM tenants WHERE id = NEW.tenant_id AND status = 'terminated')
BEGIN
  SELECT RAISE(ABORT, 'tenant is terminated: its rows cannot be written (koppel_tenant_terminated)');
END;

CREATE TRIGGER sync_contacts_terminated_update BEFORE UPDATE ON sync_contacts
  WHEN EXISTS (SELECT 1 FROM tenants WHERE id = NEW.tenant_id AND status = 'terminated')
BEGIN
  SELECT RAISE(ABORT, 'tenant is terminated: its rows cannot be written (koppel_tenant_terminated)');
END;

CREATE TRIGGER sync_identities_terminated_update BEFORE UPDATE ON sync_identities
  WHEN EXISTS (SELECT 1 FROM tenants WHERE id = NEW.tenant_id AND status = 'terminated')
BEGIN
  SELECT RAISE(ABORT, 'tenant is terminated: its rows cannot be written (koppel_tenant_terminated)');
END;

CREATE TRIGGER sync_mailplus_index_terminated_update BEFORE UPDATE ON sync_mailplus_index
  WHEN EXISTS (SELECT 1 FROM tenants WHERE id = NEW.tenant_id AND status = 'terminated')
BEGIN
  SELECT RAISE(ABORT, 'tenant is terminated: its rows cannot be written (koppel_tenant_terminated)');
END;

CREATE TRIGGER sync_checkpoints_terminated_update BEFORE UPDATE ON sync_checkpoints
  WHEN EXISTS (SELECT 1 FROM tenants WHERE id = NEW.tenant_id AND status = 'terminated')
BEGIN
  SELECT RAISE(ABORT, 'tenant is terminated: its rows cannot be written (koppel_tenant_terminated)');
END;

CREATE TRIGGER sync_definitions_terminated_update BEFORE UPDATE ON sync_definitions
  WHEN EXISTS (SELECT 1 FROM tenants WHERE id = NEW.tenant_id AND status = 'terminated')
BEGIN
  SELECT RAISE(ABORT, 'tenant is terminated: its rows cannot be written (koppel_tenant_terminated)');
END;

-- Coalescing replaces a pending message's payload: new data, so refused too (claims and dead-lettering
-- leave the payload alone and still work, so a terminated tenant's messages can be settled).

CREATE TRIGGER queue_messages_terminated_payload BEFORE UPDATE OF payload ON queue_messages
  WHEN EXISTS (SELECT 1 FROM tenants WHERE id = NEW.tenant_id AND status = 'terminated')
BEGIN
  SELECT RAISE(ABORT, 'tenant is terminated: its rows cannot be written (koppel_tenant_terminated)');
END;

-- Termination cannot be undone, and a terminated tenant gets no settings again.

CREATE TRIGGER tenants_terminated_final BEFORE UPDATE ON tenants
  WHEN OLD.status = 'terminated'
    AND (NEW.status <> 'terminated' OR (NEW.settings IS NOT NULL AND NEW.settings IS NOT OLD.settings))
BEGIN
  SELECT RAISE(ABORT, 'tenant is terminated: it cannot be reactivated or given settings (koppel_tenant_terminated)');
END;
