-- An account made with `koppel admin add --enrol-in-console` has no authenticator yet: its owner signs in
-- to the console once with the password, is shown a new TOTP secret (as a QR code) and recovery codes,
-- and confirms with a first code. Until then the account opens no session.
ALTER TABLE admins ADD COLUMN enrolment_pending INTEGER NOT NULL DEFAULT 0;
