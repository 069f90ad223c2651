import { z } from 'zod';

/**
 * The one configuration of koppel. Every field has a default, so the embedded default (SQLite in
 * ./.koppel, a generated key file) needs no configuration at all.
 */
const sqliteStore = z.strictObject({
  driver: z.literal('sqlite'),
  /** Database file; default <dataDir>/koppel.db. */
  path: z.string().min(1).optional(),
});

const postgresStore = z.strictObject({
  driver: z.literal('postgres'),
  url: z.string().regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL'),
  /** 'require' and 'verify-full' encrypt the connection; verify-full also checks the server certificate. */
  ssl: z.enum(['disable', 'require', 'verify-full']).default('disable'),
  /** PEM of the CA that signed the server certificate, for verify-full with a private CA. */
  caFile: z.string().optional(),
  poolSize: z.number().int().min(1).max(100).default(10),
});

const masterKey = z.discriminatedUnion('source', [
  z.strictObject({
    source: z.literal('file'),
    /** Default <dataDir>/master.key, created with mode 0600 on first start. */
    path: z.string().min(1).optional(),
  }),
  z.strictObject({
    source: z.literal('env'),
    variable: z
      .string()
      .regex(/^[A-Z_][A-Z0-9_]*$/, 'must be an environment variable name')
      .default('KOPPEL_MASTER_KEY'),
  }),
]);

const FOURTEEN_DAYS = 14;

const queue = z.strictObject({
  leaseSeconds: z.number().int().min(5).max(300).default(60),
  maxDeliveries: z.number().int().min(1).max(100).default(10),
  deadLetterRetentionDays: z
    .number()
    .min(0.01)
    .max(
      FOURTEEN_DAYS,
      'must be at most 14: the processing agreement promises failed messages are kept at most two weeks',
    )
    .default(FOURTEEN_DAYS),
  duplicateWindowSeconds: z
    .number()
    .int()
    .min(20)
    .max(7 * 86_400)
    .default(600),
  backoffBaseMs: z.number().int().min(10).default(1_000),
  backoffMaxMs: z
    .number()
    .int()
    .min(100)
    .default(5 * 60_000),
});

export const configSchema = z.strictObject({
  /** Where koppel keeps its files (SQLite database, key file). */
  dataDir: z.string().min(1).default('.koppel'),
  store: z.discriminatedUnion('driver', [sqliteStore, postgresStore]).default({ driver: 'sqlite' }),
  masterKey: masterKey.default({ source: 'file' }),
  queue: queue.default(queue.parse({})),
  log: z
    .strictObject({
      level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    })
    .default({ level: 'info' }),
});

export type KoppelConfig = z.infer<typeof configSchema>;
export type StoreConfig = KoppelConfig['store'];
export type QueueConfig = KoppelConfig['queue'];
