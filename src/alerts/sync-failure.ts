import { KoppelError } from '../errors.js';

/** Why a tenant's sync fails, as far as the operator can act on it. */
export const SYNC_FAILURE_KINDS = [
  'dataverse-secret-expired',
  'dataverse-credentials',
  'dataverse-consent',
  'mailplus-key',
  'other',
] as const;
export type SyncFailureKind = (typeof SYNC_FAILURE_KINDS)[number];

export interface SyncFailure {
  kind: SyncFailureKind;
  /** The error's class name, e.g. PermanentError: never its message (it may quote remote values). */
  errorClass: string;
}

/** Entra ID codes (AADSTS): an expired secret, a wrong one, and a consent or app registration gone. */
const SECRET_EXPIRED = new Set(['AADSTS7000222']);
const BAD_CREDENTIALS = new Set(['AADSTS7000215', 'AADSTS7000216', 'invalid_client', 'unauthorized_client']);
const CONSENT_GONE = new Set(['AADSTS65001', 'AADSTS700016', 'AADSTS500011', 'AADSTS7000112']);

/**
 * Sorts an error of a sync round by what the connectors put in its detail (service, status, code):
 * the token provider's `entra-id` errors, Dataverse's and Mail+'s 401 and 403.
 */
export function classifySyncFailure(error: unknown): SyncFailure {
  const errorClass = error instanceof Error ? error.name : 'Error';
  if (!(error instanceof KoppelError)) return { kind: 'other', errorClass };
  const { service, status, code } = error.detail;
  if (service === 'entra-id') {
    if (code && SECRET_EXPIRED.has(code)) return { kind: 'dataverse-secret-expired', errorClass };
    if (code && CONSENT_GONE.has(code)) return { kind: 'dataverse-consent', errorClass };
    if (code && BAD_CREDENTIALS.has(code)) return { kind: 'dataverse-credentials', errorClass };
    if (status === 400 || status === 401) return { kind: 'dataverse-credentials', errorClass };
  }
  // A token was issued but Dataverse refuses it: the application user or its role was removed.
  if (service === 'dataverse' && (status === 401 || status === 403))
    return { kind: 'dataverse-consent', errorClass };
  if (service === 'mailplus' && (status === 401 || status === 403))
    return { kind: 'mailplus-key', errorClass };
  return { kind: 'other', errorClass };
}
