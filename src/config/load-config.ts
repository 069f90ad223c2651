import { readFileSync } from 'node:fs';
import { ConfigError } from '../errors.js';
import { configSchema, type KoppelConfig } from './config-schema.js';

export interface ConfigSources {
  /** A JSON configuration file; missing means "defaults only". */
  file?: string;
  /** Usually process.env. */
  env?: NodeJS.ProcessEnv;
  /** Values that win over file and environment (tests, CLI flags). */
  overrides?: Record<string, unknown>;
}

/**
 * Environment variables that override the file. Only a few: the rest belongs in the file.
 * KOPPEL_DATA_DIR, KOPPEL_STORE_URL (postgres://… switches to PostgreSQL), KOPPEL_PG_SSL, KOPPEL_LOG_LEVEL,
 * KOPPEL_SMTP_URL (notifications.smtp.url: it may hold the SMTP password, so it may stay out of the file),
 * KOPPEL_METRICS_TOKEN (metrics.token, a secret too).
 */
function fromEnv(env: NodeJS.ProcessEnv, file: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (env.KOPPEL_DATA_DIR) out.dataDir = env.KOPPEL_DATA_DIR;
  if (env.KOPPEL_STORE_URL) {
    out.store = env.KOPPEL_STORE_URL.startsWith('postgres')
      ? {
          driver: 'postgres',
          url: env.KOPPEL_STORE_URL,
          ...(env.KOPPEL_PG_SSL ? { ssl: env.KOPPEL_PG_SSL } : {}),
        }
      : { driver: 'sqlite', path: env.KOPPEL_STORE_URL.replace(/^sqlite:(\/\/)?/, '') };
  }
  if (env.KOPPEL_MASTER_KEY) out.masterKey = { source: 'env', variable: 'KOPPEL_MASTER_KEY' };
  if (env.KOPPEL_LOG_LEVEL) out.log = { level: env.KOPPEL_LOG_LEVEL };
  // Merged into the file's notifications section: the URL replaces only smtp.url, not from or caFile.
  if (env.KOPPEL_SMTP_URL) {
    const notifications = objectAt(file, 'notifications');
    out.notifications = {
      ...notifications,
      smtp: { ...objectAt(notifications, 'smtp'), url: env.KOPPEL_SMTP_URL },
    };
  }
  if (env.KOPPEL_METRICS_TOKEN)
    out.metrics = { ...objectAt(file, 'metrics'), token: env.KOPPEL_METRICS_TOKEN };
  return out;
}

function objectAt(parent: Record<string, unknown>, key: string): Record<string, unknown> {
  const value = parent[key];
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};
}

function readFile(file: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new ConfigError([`${file}: cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})`]);
  }
  try {
    const parsed: unknown = JSON.parse(text);
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      throw new ConfigError([`${file}: must hold a JSON object`]);
    }
    return parsed as Record<string, unknown>;
  } catch (error) {
    if (error instanceof ConfigError) throw error;
    throw new ConfigError([`${file}: is not valid JSON (${(error as Error).message})`]);
  }
}

/** Loads and validates the configuration; a ConfigError lists every problem with its field path. */
export function loadConfig(sources: ConfigSources = {}): KoppelConfig {
  const env = sources.env ?? {};
  const file = sources.file ?? env.KOPPEL_CONFIG;
  const fromFile = file ? readFile(file) : {};
  const merged = { ...fromFile, ...fromEnv(env, fromFile), ...sources.overrides };
  const result = configSchema.safeParse(merged);
  if (result.success) return result.data;
  throw new ConfigError(
    result.error.issues.map((issue) => {
      const path = issue.path.length > 0 ? issue.path.join('.') : '(root)';
      return `${path}: ${issue.message}`;
    }),
  );
}
