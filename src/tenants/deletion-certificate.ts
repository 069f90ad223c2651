import { createHash } from 'node:crypto';
import type { BackupExposure } from './backup-exposure.js';

export interface DeletionCertificate {
  kind: 'koppel-deletion-certificate';
  version: 2;
  tenant: { id: string; name: string };
  terminatedAt: string;
  keysDestroyedAt: string;
  deletedAt: string;
  /** Rows deleted per table. */
  deletedRows: Record<string, number>;
  /**
   * Rows of the tenant counted after the deletion, in the same transaction, in every table that
   * holds tenant data (found in the schema), plus undestroyed keys and stored settings: all 0, or
   * no certificate is issued.
   */
  remainingRows: Record<string, number>;
  /** The store was compacted, so freed pages hold no old data. */
  compacted: string;
  store: string;
  /** Copies of the store koppel cannot delete: which could still hold the data, and until when. */
  backups: BackupExposure;
  /** The SHA-256 of an earlier certificate for this tenant that this one replaces (rows were found after it). */
  supersedes?: string;
}

export interface IssuedCertificate {
  certificate: DeletionCertificate;
  /** SHA-256 of the certificate's canonical JSON: the customer can check it was not altered. */
  sha256: string;
}

export function issue(certificate: DeletionCertificate): IssuedCertificate {
  const sha256 = createHash('sha256').update(JSON.stringify(certificate)).digest('hex');
  return { certificate, sha256 };
}

/** Markdown for the customer: the certificate, and how to check its hash. */
export function certificateMarkdown({ certificate: c, sha256 }: IssuedCertificate): string {
  const tables = [...new Set([...Object.keys(c.deletedRows), ...Object.keys(c.remainingRows)])];
  const rows = tables.map((t) => `| ${t} | ${c.deletedRows[t] ?? '-'} | ${c.remainingRows[t] ?? '-'} |`);
  return [
    `# Deletion certificate: ${c.tenant.name} (${c.tenant.id})`,
    '',
    `- Contract terminated: ${c.terminatedAt}`,
    `- Encryption keys destroyed (data unreadable from then on): ${c.keysDestroyedAt}`,
    `- Data deleted: ${c.deletedAt}`,
    `- Store compacted: ${c.compacted} (${c.store})`,
    `- Backups: ${c.backups.statement}`,
    ...(c.supersedes ? [`- Replaces the earlier certificate with SHA-256 \`${c.supersedes}\``] : []),
    '',
    '| table | rows deleted | rows remaining |',
    '|---|---|---|',
    ...rows,
    '',
    `SHA-256 of the certificate's JSON: \`${sha256}\``,
    '',
  ].join('\n');
}
