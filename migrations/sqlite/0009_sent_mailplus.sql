-- Per contact and field, the hashes of values koppel has queued for Mail+ and not yet recorded as
-- written. A crash between a write and its record leaves koppel's own value in Mail+ without a record;
-- these hashes tell it apart from a person's edit (which must flow to Dataverse, never be overwritten).
ALTER TABLE sync_contacts ADD COLUMN sent_mailplus TEXT NOT NULL DEFAULT '{}';
