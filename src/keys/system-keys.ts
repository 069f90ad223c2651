/**
 * Data keys of koppel's own, kept in the key ring beside the tenants' and rotated like them, but no
 * controller's: the administrators' TOTP secrets, the breach register's events and evidence, and the
 * mail outbox. Each name starts with `_`, which a tenant id cannot (tenant-store.ts), so none collides.
 */
export const ADMIN_KEY_ID = '_admins';
export const INCIDENT_KEY_ID = '_incidents';
export const NOTIFICATIONS_KEY_ID = '_notifications';

export const SYSTEM_KEY_IDS: readonly string[] = [ADMIN_KEY_ID, INCIDENT_KEY_ID, NOTIFICATIONS_KEY_ID];

export const isSystemKey = (id: string): boolean => SYSTEM_KEY_IDS.includes(id);
