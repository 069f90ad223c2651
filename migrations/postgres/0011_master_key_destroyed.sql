-- When koppel destroyed a master key it held (`tenant terminate --rotate-master-key`): copies of the store
-- whose tenant keys only that key wrapped can no longer be read, which the deletion certificate states.
ALTER TABLE master_keys ADD COLUMN destroyed_at BIGINT;
