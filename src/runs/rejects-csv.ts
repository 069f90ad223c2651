import type { RunReject } from './run-schemas.js';

export const REJECTS_CSV_HEADER = [
  'run_id',
  'tenant_id',
  'at',
  'side',
  'contact_id',
  'field',
  'rule',
  'reason',
  'dead_letter_seq',
] as const;

/**
 * RFC 4180 CSV of rejects (CRLF line ends, a header row). A cell with a comma, quote or line break is
 * quoted with its quotes doubled; one a spreadsheet would read as a formula (=, +, -, @, tab, CR) gets
 * a leading apostrophe, so opening the export runs nothing. Times are ISO 8601 UTC.
 */
export function rejectsCsv(rejects: readonly RunReject[]): string {
  const lines = [REJECTS_CSV_HEADER.join(',')];
  for (const r of rejects)
    lines.push(
      [
        r.runId,
        r.tenantId,
        new Date(r.at).toISOString(),
        r.side,
        r.contactId,
        r.field ?? '',
        r.rule,
        r.reason,
        r.deadLetterSeq ?? '',
      ]
        .map((v) => csvCell(String(v)))
        .join(','),
    );
  return `${lines.join('\r\n')}\r\n`;
}

export function csvCell(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}
