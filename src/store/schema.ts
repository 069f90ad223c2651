import type { ColumnType, Generated } from 'kysely';

/** Table types for Kysely; the SQL itself lives in migrations/<dialect>/NNNN_*.sql. */
export interface Database {
  tenant_keys: TenantKeysTable;
  queue_messages: QueueMessagesTable;
  queue_dedup: QueueDedupTable;
  security_events: SecurityEventsTable;
  master_keys: MasterKeysTable;
  retention_runs: RetentionRunsTable;
  tenants: TenantsTable;
  sync_checkpoints: SyncCheckpointsTable;
  sync_contacts: SyncContactsTable;
  sync_definitions: SyncDefinitionsTable;
  sync_identities: SyncIdentitiesTable;
  sync_mailplus_index: SyncMailplusIndexTable;
  deletion_certificates: DeletionCertificatesTable;
  admins: AdminsTable;
  admin_sessions: AdminSessionsTable;
  admin_login_failures: AdminLoginFailuresTable;
  audit_log: AuditLogTable;
  audit_anchor: AuditAnchorTable;
  tenant_contacts: TenantContactsTable;
  mail_outbox: MailOutboxTable;
  mail_outbox_attempts: MailOutboxAttemptsTable;
  incidents: IncidentsTable;
  incident_events: IncidentEventsTable;
  incident_evidence: IncidentEvidenceTable;
  sync_health: SyncHealthTable;
  ops_alerts: OpsAlertsTable;
  sync_runs: SyncRunsTable;
  sync_run_rejects: SyncRunRejectsTable;
  sync_run_hours: SyncRunHoursTable;
  cluster_workers: ClusterWorkersTable;
  tenant_leases: TenantLeasesTable;
  cluster_jobs: ClusterJobsTable;
}

/** Migration 0019: the last outcome of a tenant's sync rounds (error class and service, never a message). */
export interface SyncHealthTable {
  tenant_id: string;
  last_ok_at: number | null;
  failing_since: number | null;
  error_kind: string | null;
  error_class: string | null;
  updated_at: number;
}

/** Migration 0019: one open operational alert per tenant and kind (src/alerts/). */
export interface OpsAlertsTable {
  tenant_id: string;
  kind: string;
  opened_at: number;
  /** JSON: counts and error classes. */
  detail: string;
}

export interface TenantsTable {
  id: string;
  name: string;
  status: 'active' | 'paused' | 'terminated';
  settings: Uint8Array | null;
  settings_key_version: number | null;
  created_at: number;
  updated_at: number;
  terminated_at: number | null;
  deletion_due_at: number | null;
}

export interface TenantKeysTable {
  tenant_id: string;
  version: number;
  wrapped_key: Uint8Array | null;
  master_key_id: string;
  created_at: number;
  destroyed_at: number | null;
  /** When `koppel keys rotate` last re-wrapped it under a new master key. */
  rewrapped_at: number | null;
}

export interface QueueMessagesTable {
  seq: Generated<number>;
  tenant_id: string;
  queue: string;
  message_id: string;
  order_key: string | null;
  state: number;
  visible_at: number;
  lease_token: string | null;
  delivery_count: Generated<number>;
  max_deliveries: number;
  enqueued_at: number;
  key_version: number;
  payload: Uint8Array;
  last_error: string | null;
  dead_reason: string | null;
  dead_description: string | null;
  dead_at: number | null;
}

export interface QueueDedupTable {
  tenant_id: string;
  queue: string;
  message_id: string;
  expires_at: number;
}

export interface SecurityEventsTable {
  id: Generated<number>;
  kind: string;
  tenant_id: string | null;
  subject: string | null;
  detail: string;
  occurred_at: number;
  handled_at: number | null;
}

/** Master keys by id (never the key itself): when each was first used and when a rotation retired it. */
export interface MasterKeysTable {
  id: string;
  first_used_at: number;
  retired_at: number | null;
  /** When koppel deleted the key itself (a key file it held); migration 0011. */
  destroyed_at: ColumnType<number | null, number | null | undefined, number | null>;
}

/** One row per retention class: when its purge last ran, what it deleted, and the error if it failed. */
export interface RetentionRunsTable {
  class: string;
  ran_at: number;
  purged: number;
  error: string | null;
}

export interface SyncCheckpointsTable {
  tenant_id: string;
  source: string;
  position: string;
  updated_at: number;
}

export interface SyncContactsTable {
  tenant_id: string;
  contact_id: string;
  /** JSON: field -> hash. */
  synced: string;
  seen_dataverse: string;
  seen_mailplus: string;
  in_mailplus: number;
  opted_out: number;
  /** JSON array of permission bits. */
  withdrawn_bits: string;
  updated_at: number;
  /** JSON: field -> hashes queued for Mail+, not yet recorded as written (migration 0009). */
  sent_mailplus: string;
  /** The last full resync that read the contact (migration 0008); state upserts leave it alone. */
  resync_seen: ColumnType<number | null, number | null | undefined, number | null>;
}

export interface SyncDefinitionsTable {
  tenant_id: string;
  definition: string;
  updated_at: number;
}

export interface SyncIdentitiesTable {
  tenant_id: string;
  contact_id: string;
  mailplus_id: string;
  linked_at: number;
}

export interface SyncMailplusIndexTable {
  tenant_id: string;
  mailplus_id: string;
  email_hash: string | null;
  opted_out: number;
  off_bits: string;
}

export interface DeletionCertificatesTable {
  id: Generated<number>;
  tenant_id: string;
  issued_at: number;
  certificate: string;
  sha256: string;
}

/** Migration 0012: administrators (at most two with role admin) and the DPO. */
export interface AdminsTable {
  username: string;
  role: 'admin' | 'dpo';
  /** scrypt$N$r$p$salt$hash (base64): the parameters travel with the hash. */
  password_hash: string;
  /** The TOTP secret, sealed with the key ring's admin key. */
  totp_secret: Uint8Array;
  totp_key_version: number;
  /** The last accepted TOTP time step: a code of that step or earlier is refused. */
  totp_last_step: ColumnType<number, number | undefined, number>;
  /** JSON array of SHA-256 hashes of the recovery codes not yet used. */
  recovery_hashes: string;
  /** 1 until the owner has enrolled an authenticator in the console (migration 0020). */
  enrolment_pending: ColumnType<number, number | undefined, number>;
  confidentiality_version: string;
  confidentiality_accepted_at: number;
  created_at: number;
  updated_at: number;
}

export interface AdminSessionsTable {
  token_hash: string;
  username: string;
  csrf_token: string;
  created_at: number;
  last_seen_at: number;
  address: string;
}

export interface AdminLoginFailuresTable {
  id: Generated<number>;
  username_hash: string;
  address: string;
  occurred_at: number;
}

export interface AuditLogTable {
  seq: number;
  at: number;
  actor: string;
  address: string;
  action: string;
  target: string | null;
  result: string;
  /** JSON object of ids, counts and field names; never personal data or secrets. */
  detail: string;
  prev_hash: string;
  hash: string;
}

export interface AuditAnchorTable {
  id: number;
  seq: number;
  hash: string;
  purged_at: number;
}

/** Migration 0014: a tenant's breach-notice contacts, sealed with its data key. */
export interface TenantContactsTable {
  tenant_id: string;
  contacts: Uint8Array;
  key_version: number;
  updated_at: number;
}

/** Migration 0014: the durable mail outbox; no tenant_id, so an incident's mails survive offboarding. */
export interface MailOutboxTable {
  id: string;
  kind: string;
  incident_id: string | null;
  /** Whom the mail concerns (a tenant id), not a tenant_id column: offboarding leaves it. */
  tenant: string | null;
  /** Recipient, subject and body, sealed with the `_notifications` key; NULL once delivered. */
  sealed: Uint8Array | null;
  key_version: number | null;
  state: 'pending' | 'delivered' | 'failed';
  attempts: ColumnType<number, number | undefined, number>;
  next_attempt_at: number | null;
  last_error: string | null;
  created_at: number;
  delivered_at: number | null;
  updated_at: number;
}

export interface MailOutboxAttemptsTable {
  id: Generated<number>;
  mail_id: string;
  at: number;
  outcome: 'sent' | 'failed';
  detail: string;
}

/** Migration 0013: the breach register. Derived, non-personal columns only; the events are the record. */
export interface IncidentsTable {
  id: string;
  state: string;
  opened_at: number;
  closed_at: number | null;
  /** closed_at + incidents.retentionYears; the database refuses deletion before it (and while open). */
  purge_after: number | null;
}

/** Append-only (triggers refuse UPDATE, and DELETE unless the incident is closed and past purge_after). */
export interface IncidentEventsTable {
  incident_id: string;
  seq: number;
  at: number;
  actor: string;
  role: string;
  address: string;
  type: string;
  /** The event body's JSON, sealed with the key ring's `_incidents` key. */
  body: Uint8Array;
  key_version: number;
}

export interface IncidentEvidenceTable {
  id: string;
  incident_id: string;
  /** The file name, sealed. */
  name: Uint8Array;
  /** The file's bytes, sealed. */
  content: Uint8Array;
  key_version: number;
  bytes: number;
  /** SHA-256 of the plain bytes, hex. */
  sha256: string;
  added_at: number;
  added_by: string;
}

/** Migration 0015: the sync-run history, one row per tenant round (ids and counts only). */
export interface SyncRunsTable {
  id: Generated<number>;
  tenant_id: string;
  kind: 'initial' | 'live' | 'resync';
  started_at: number;
  ended_at: number;
  outcome: 'ok' | 'failed';
  dataverse_read: number;
  mailplus_read: number;
  dataverse_written: number;
  mailplus_written: number;
  rejected: number;
  retries: number;
  rate_limited: number;
  error_class: string | null;
  error_code: string | null;
}

/** Migration 0015: a record a round rejected, one row per field; ids, field names and rules only. */
export interface SyncRunRejectsTable {
  id: Generated<number>;
  run_id: number;
  tenant_id: string;
  at: number;
  side: string;
  contact_id: string;
  field: string | null;
  rule: string;
  reason: string;
  dead_letter_seq: number | null;
}

/** Migration 0015: each tenant's rounds summed per UTC hour, for the dashboard's charts. */
export interface SyncRunHoursTable {
  tenant_id: string;
  /** ms epoch of the hour's start. */
  hour: number;
  rounds: number;
  failed: number;
  dataverse_read: number;
  mailplus_read: number;
  dataverse_written: number;
  mailplus_written: number;
  rejected: number;
  retries: number;
  rate_limited: number;
  last_ok_at: number | null;
}

/** A worker process of the cluster (migration 0016, docs/cluster.md); live while its heartbeat is fresh. */
export interface ClusterWorkersTable {
  worker_id: string;
  host: string;
  pid: number;
  started_at: number;
  heartbeat_at: number;
}

/** Who syncs a tenant; `token` (the fence) counts up on every acquisition. */
export interface TenantLeasesTable {
  tenant: string;
  owner: string | null;
  token: number;
  expires_at: number;
  acquired_at: number;
}

/** A job that runs once per interval across the cluster. */
export interface ClusterJobsTable {
  job: string;
  owner: string | null;
  last_run_at: number;
}
