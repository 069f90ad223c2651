-- A full resync after an expired change-tracking token numbers itself (a generation) and stamps every
-- contact it reads; contacts koppel has in Mail+ without the stamp were deleted in Dataverse meanwhile.
-- They are then found page by page, so no list of a million ids is ever held in memory.
ALTER TABLE sync_contacts ADD COLUMN resync_seen INTEGER;
