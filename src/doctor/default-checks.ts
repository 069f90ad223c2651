import { adminAccounts, adminAllowlist } from './checks/admin-checks.js';
import { breachDpo, breachMail } from './checks/breach-checks.js';
import {
  databaseFilePermissions,
  dataDirPermissions,
  keyFilePermissions,
  logDestination,
  logFilePermissions,
} from './checks/file-permission-checks.js';
import {
  masterKeyAge,
  masterKeyAvailable,
  masterKeyRotation,
  masterKeyStrength,
  tenantKeyAge,
} from './checks/key-checks.js';
import { queueOldestMessage } from './checks/queue-checks.js';
import { retentionOverdue, retentionRan, retentionSettings } from './checks/retention-checks.js';
import { serverTls, statusTls } from './checks/status-tls-checks.js';
import { postgresTls, sqlitePragmas, storeReady } from './checks/store-checks.js';
import type { DoctorCheck } from './doctor-check.js';

/**
 * The security baseline of issue 5, in the order a person reads it. Checks added by later issues
 * (TLS of the admin listener, 2FA for every administrator, at most two administrators) go in
 * their own files and are appended where the doctor command builds its list.
 */
export function defaultChecks(): DoctorCheck[] {
  return [
    dataDirPermissions,
    keyFilePermissions,
    databaseFilePermissions,
    logFilePermissions,
    masterKeyAvailable,
    masterKeyStrength,
    storeReady,
    postgresTls,
    sqlitePragmas,
    masterKeyAge,
    masterKeyRotation,
    tenantKeyAge,
    retentionSettings,
    retentionRan,
    retentionOverdue,
    queueOldestMessage,
    logDestination,
    statusTls,
    serverTls,
    adminAccounts,
    adminAllowlist,
    breachMail,
    breachDpo,
  ];
}
