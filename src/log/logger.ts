import { type Logger, pino } from 'pino';
import { type Clock, systemClock } from '../clock.js';
import type { KoppelConfig } from '../config/config-schema.js';
import { DailyFileStream } from './daily-file-stream.js';
import { logDir } from './log-files.js';
import { redactDeep } from './redact.js';

export type { Logger };

/**
 * Structured logs that carry ids, counts and reasons, never personal data. The redaction (src/log/
 * redact.ts) is a safety net for fields that could hold personal data if a caller ever logged a record
 * by mistake, at any depth of the logged object.
 */
const settings = {
  base: { app: 'koppel' },
  formatters: { log: (object: Record<string, unknown>) => redactDeep(object) as Record<string, unknown> },
};

export function createLogger(level: string, destination?: NodeJS.WritableStream): Logger {
  return pino({ ...settings, level }, destination as pino.DestinationStream | undefined);
}

export interface AppLogger {
  logger: Logger;
  /** Closes the current log file. */
  close(): void;
}

/**
 * The logger of a running koppel: the console (standard error) and/or daily files under <dataDir>/logs, as
 * configured. The files are what the retention job deletes after `log.retentionDays`.
 */
export function createAppLogger(
  config: Pick<KoppelConfig, 'dataDir' | 'log'>,
  options: { clock?: Clock; stdout?: NodeJS.WritableStream } = {},
): AppLogger {
  const level = config.log.level;
  if (level === 'silent') return { logger: pino({ ...settings, level }), close: () => {} };
  const file = config.log.file
    ? new DailyFileStream(logDir(config), options.clock ?? systemClock)
    : undefined;
  const streams: pino.StreamEntry[] = [];
  // Standard error, not standard output: a command's own output (`--json` above all) must stay
  // parseable, and a service manager collects both streams alike.
  if (config.log.stdout) streams.push({ level, stream: options.stdout ?? process.stderr });
  if (file) streams.push({ level, stream: file });
  const logger = pino(
    { ...settings, level: streams.length > 0 ? level : 'silent' },
    pino.multistream(streams),
  );
  return { logger, close: () => file?.close() };
}
