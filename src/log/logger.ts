import { type Logger, pino } from 'pino';

export type { Logger };

/**
 * Structured logs that carry ids, counts and reasons, never personal data. The redaction list is a
 * safety net for fields that could hold personal data if a caller ever logged a record by mistake.
 */
export const REDACTED_PATHS = [
  '*.email',
  '*.emailaddress1',
  '*.firstName',
  '*.firstname',
  '*.lastName',
  '*.lastname',
  '*.phone',
  '*.mobile',
  '*.payload',
  '*.properties',
  '*.secret',
  '*.clientSecret',
  '*.password',
  '*.authorization',
];

export function createLogger(level: string, destination?: NodeJS.WritableStream): Logger {
  return pino(
    { level, base: { app: 'koppel' }, redact: { paths: REDACTED_PATHS, censor: '[redacted]' } },
    destination as pino.DestinationStream | undefined,
  );
}
