import { type Logger, pino } from 'pino';
import { type Clock, systemClock } from '../clock.js';
import type { KoppelConfig } from '../config/config-schema.js';
import { DailyFileStream } from './daily-file-stream.js';
import { logDir } from './log-files.js';

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

export interface AppLogger {
  logger: Logger;
  /** Closes the current log file. */
  close(): void;
}

/**
 * The logger of a running koppel: standard output and/or daily files under <dataDir>/logs, as
 * configured. The files are what the retention job deletes after `log.retentionDays`.
 */
export function createAppLogger(
  config: Pick<KoppelConfig, 'dataDir' | 'log'>,
  options: { clock?: Clock; stdout?: NodeJS.WritableStream } = {},
): AppLogger {
  const level = config.log.level;
  const settings = { base: { app: 'koppel' }, redact: { paths: REDACTED_PATHS, censor: '[redacted]' } };
  if (level === 'silent') return { logger: pino({ ...settings, level }), close: () => {} };
  const file = config.log.file
    ? new DailyFileStream(logDir(config), options.clock ?? systemClock)
    : undefined;
  const streams: pino.StreamEntry[] = [];
  if (config.log.stdout) streams.push({ level, stream: options.stdout ?? process.stdout });
  if (file) streams.push({ level, stream: file });
  const logger = pino(
    { ...settings, level: streams.length > 0 ? level : 'silent' },
    pino.multistream(streams),
  );
  return { logger, close: () => file?.close() };
}
