import { isIP } from 'node:net';
import { z } from 'zod';
import { resolvePostgresTls, SSL_MODES } from './postgres-tls.js';

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
  /**
   * 'require' and 'verify-full' encrypt the connection; verify-full also checks the server certificate.
   * Default: the URL's sslmode, else 'require' for another machine and 'disable' for loopback.
   */
  ssl: z.enum(SSL_MODES).optional(),
  /** PEM of the CA that signed the server certificate, for verify-full with a private CA. */
  caFile: z.string().optional(),
  poolSize: z.number().int().min(1).max(100).default(10),
});

const envVariable = z.string().regex(/^[A-Z_][A-Z0-9_]*$/, 'must be an environment variable name');

const masterKey = z.discriminatedUnion('source', [
  z.strictObject({
    source: z.literal('file'),
    /** Default <dataDir>/master.key, created with mode 0600 on first start. */
    path: z.string().min(1).optional(),
    /**
     * Key files of earlier master keys, still needed to unwrap tenant keys until `koppel keys rotate`
     * has re-wrapped them. Files named <path>.retired-* (left by `keys rotate --generate`) are read too.
     */
    previous: z.array(z.string().min(1)).max(10, 'must list at most 10 key files').optional(),
  }),
  z.strictObject({
    source: z.literal('env'),
    variable: envVariable.default('KOPPEL_MASTER_KEY'),
    /**
     * Holds earlier master keys, separated by commas, during a rotation; may be unset.
     * Default KOPPEL_MASTER_KEY_PREVIOUS.
     */
    previousVariable: envVariable.optional(),
  }),
  z.strictObject({
    /** The tenant keys are wrapped by a key in Azure Key Vault or Managed HSM; no master key is stored locally. */
    source: z.literal('azure-key-vault'),
    keyId: z
      .string()
      .regex(
        /^https:\/\/[a-z0-9.-]+\/keys\/[A-Za-z0-9-]+(\/[A-Za-z0-9]+)?\/?$/,
        'must be a Key Vault key identifier such as https://<vault>.vault.azure.net/keys/<name>',
      ),
    /** RSA-OAEP-256 for an RSA key (Key Vault); A256KW for an AES key (Managed HSM only). */
    algorithm: z.enum(['RSA-OAEP-256', 'A256KW']).default('RSA-OAEP-256'),
  }),
]);

const FOURTEEN_DAYS = 14;

/** Live messages are dead-lettered as `expired` after this, unless the dead-letter window is shorter. */
const DEFAULT_MAX_MESSAGE_AGE_DAYS = 7;

const queue = z
  .strictObject({
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
    backoffBaseMs: z.number().int().min(10).max(60_000, 'must be at most 60000 (one minute)').default(1_000),
    backoffMaxMs: z
      .number()
      .int()
      .min(100)
      .max(3_600_000, 'must be at most 3600000 (one hour): a message must not wait longer between attempts')
      .default(5 * 60_000),
    /** The longest a remote's Retry-After is honoured; a longer one is cut to this. */
    retryAfterMaxSeconds: z
      .number()
      .int()
      .min(1)
      .max(86_400, 'must be at most 86400 (one day)')
      .default(3_600),
    /** Live messages older than this are dead-lettered as `expired`; default 7, or the dead-letter window if shorter. */
    maxMessageAgeDays: z.number().min(0.01).max(FOURTEEN_DAYS, 'must be at most 14').optional(),
  })
  .superRefine((q, ctx) => {
    if (q.backoffBaseMs > q.backoffMaxMs)
      ctx.addIssue({
        code: 'custom',
        path: ['backoffBaseMs'],
        message: `must be at most backoffMaxMs (${q.backoffMaxMs})`,
      });
    if (q.maxMessageAgeDays !== undefined && q.maxMessageAgeDays > q.deadLetterRetentionDays)
      ctx.addIssue({
        code: 'custom',
        path: ['maxMessageAgeDays'],
        message: `must be at most queue.deadLetterRetentionDays (${q.deadLetterRetentionDays}): a message must never wait longer than a failed one is kept`,
      });
  })
  .transform((q) => ({
    ...q,
    maxMessageAgeDays:
      q.maxMessageAgeDays ?? Math.min(DEFAULT_MAX_MESSAGE_AGE_DAYS, q.deadLetterRetentionDays),
  }));

const THIRTY_DAYS = 30;

const log = z.strictObject({
  level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Standard output is outside koppel's retention: whoever collects it must keep it at most 30 days. */
  stdout: z.boolean().default(true),
  /** Daily files <dataDir>/logs/koppel-YYYY-MM-DD.log (mode 0600), deleted after retentionDays. */
  file: z.boolean().default(true),
  retentionDays: z
    .number()
    .int()
    .min(1)
    .max(THIRTY_DAYS, 'must be at most 30: the processing agreement promises logs are deleted after 30 days')
    .default(THIRTY_DAYS),
});

/**
 * What the operator keeps of the store outside koppel (database backups, disk snapshots). koppel cannot
 * delete them; the deletion certificate states which could still hold a terminated tenant's data and
 * until when.
 */
const backups = z.strictObject({
  /** Days a copy of the store is kept; 30 or less keeps the one-month deletion promise. */
  retentionDays: z.number().int().min(0).max(3650, 'must be at most 3650').default(THIRTY_DAYS),
  /** The copies, in words, for the certificate, e.g. "nightly pg_dump to the backup server, 30 days". */
  description: z
    .string()
    .trim()
    .min(1, 'must not be empty')
    .max(300, 'must be at most 300 characters')
    .default('backups and snapshots of the koppel store'),
});

const sync = z.strictObject({
  /** Time between sync rounds (read both change feeds, deliver). */
  pollIntervalSeconds: z.number().min(1).max(3600).default(60),
  /** How far each Mail+ feed window reaches back; must exceed the feed's lag plus clock skew. */
  mailplusOverlapSeconds: z.number().int().min(1).max(86_400).default(300),
});

/** Several workers around one PostgreSQL (docs/cluster.md). */
const cluster = z.strictObject({
  /**
   * How long a tenant lease holds without renewal: a dead worker's tenants move within about this
   * (plus one heartbeat, a fifth of it). Renewed while working.
   */
  leaseSeconds: z.number().min(1).max(600).default(30),
});

/** A certificate and its key are given together or not at all. */
function checkTlsPair(
  section: string,
  { certFile, keyFile }: { certFile?: string; keyFile?: string },
  ctx: z.RefinementCtx,
): void {
  if (certFile && !keyFile)
    ctx.addIssue({
      code: 'custom',
      path: ['tls', 'keyFile'],
      message: `must be set with ${section}.tls.certFile`,
    });
  if (keyFile && !certFile)
    ctx.addIssue({
      code: 'custom',
      path: ['tls', 'certFile'],
      message: `must be set with ${section}.tls.keyFile`,
    });
}

/** Addresses that never leave the machine; only there may the status API use a self-signed certificate. */
export const LOOPBACK_HOST = /^(localhost|127(\.\d{1,3}){3}|::1|\[::1\])$/i;

const status = z
  .strictObject({
    /** The read-only status API (HTTPS only): health, sync counters, queue figures. Ids and numbers only. */
    enabled: z.boolean().default(true),
    host: z.string().min(1, 'must name an address to listen on, e.g. 127.0.0.1').default('127.0.0.1'),
    /** 0 picks any free port. */
    port: z.number().int().min(0).max(65_535, 'must be a port number from 0 to 65535').default(8787),
    /** PEM files of a provided certificate; without them a self-signed one is made in <dataDir>/tls/. */
    tls: z
      .strictObject({ certFile: z.string().min(1).optional(), keyFile: z.string().min(1).optional() })
      .default({}),
  })
  .superRefine((value, ctx) => {
    const { certFile } = value.tls;
    checkTlsPair('status', value.tls, ctx);
    if (value.enabled && !certFile && !LOOPBACK_HOST.test(value.host)) {
      ctx.addIssue({
        code: 'custom',
        path: ['host'],
        message: `${value.host} is not a loopback address: listening beyond this machine requires a provided certificate (status.tls.certFile and status.tls.keyFile); the self-signed one is for 127.0.0.1, ::1 and localhost only`,
      });
    }
  });

/** An IPv4 or IPv6 address with an optional /prefix, e.g. 127.0.0.1, 10.0.0.0/8, ::1/128. */
const cidr = z
  .string()
  .refine((value) => isCidr(value), 'must be an IP address or CIDR block, e.g. 127.0.0.1/32 or 10.0.0.0/8');

function isCidr(value: string): boolean {
  const [address, prefix, ...rest] = value.split('/');
  if (rest.length > 0 || !address) return false;
  const family = isIP(address);
  if (family === 0) return false;
  if (prefix === undefined) return true;
  const bits = Number(prefix);
  return /^\d{1,3}$/.test(prefix) && bits >= 0 && bits <= (family === 4 ? 32 : 128);
}

/**
 * The admin server (`koppel server`, and inside `koppel run`): HTTPS, accounts with two factors, an
 * IP allowlist. It also serves what the status API served, under /api/.
 */
const server = z
  .strictObject({
    enabled: z.boolean().default(true),
    host: z.string().min(1, 'must name an address to listen on, e.g. 127.0.0.1').default('127.0.0.1'),
    /** 0 picks any free port. */
    port: z.number().int().min(0).max(65_535, 'must be a port number from 0 to 65535').default(8443),
    tls: z
      .strictObject({ certFile: z.string().min(1).optional(), keyFile: z.string().min(1).optional() })
      .default({}),
    /** Client addresses allowed to reach any route; everything else gets 403. Default: loopback only. */
    allow: z
      .array(cidr)
      .min(1, 'must list at least one address or CIDR block')
      .default(['127.0.0.0/8', '::1/128']),
    /**
     * Addresses of reverse proxies whose X-Forwarded-For is believed (the client address is then taken
     * from it). Empty, the default: the header is ignored and the connection's address counts.
     */
    trustProxy: z.array(cidr).default([]),
    /** At most 2 administrators (the processing agreement); 1 is allowed, more never. */
    maxAdmins: z
      .number()
      .int()
      .min(1, 'must be 1 or 2')
      .max(2, 'must be at most 2: the processing agreement allows at most two administrators')
      .default(2),
    /** Days an audit entry is kept, as the Art. 30(2) register states; default one year. */
    auditRetentionDays: z
      .number()
      .int()
      .min(30, 'must be at least 30')
      .max(3650, 'must be at most 3650')
      .default(365),
  })
  .superRefine((value, ctx) => {
    const { certFile } = value.tls;
    checkTlsPair('server', value.tls, ctx);
    if (!certFile && !LOOPBACK_HOST.test(value.host))
      ctx.addIssue({
        code: 'custom',
        path: ['host'],
        message: `${value.host} is not a loopback address: listening beyond this machine requires a provided certificate (server.tls.certFile and server.tls.keyFile); the self-signed one is for 127.0.0.1, ::1 and localhost only`,
      });
  });

/** ISO 3166-1 alpha-2 codes of the EU and EEA member states: no transfer safeguard is needed there. */
export const EEA_COUNTRIES = new Set(
  'AT BE BG CY CZ DE DK EE ES FI FR GR HR HU IE IS IT LI LT LU LV MT NL NO PL PT RO SE SI SK'.split(' '),
);

const countryCode = z
  .string()
  .regex(/^[A-Z]{2}$/, 'must be an ISO 3166-1 alpha-2 country code in capitals, e.g. NL, DE, US');
const phone = z.string().regex(/^\+?[0-9][0-9 ()-]{5,24}$/, 'must be a phone number, e.g. +31 20 123 4567');
const text = z.string().trim().min(1, 'must not be empty');

const contactPoint = z.strictObject({
  name: text.optional(),
  email: z.email('must be an e-mail address').optional(),
  phone: phone.optional(),
});

/** Called and e-mailed, in this order, when the controller has to be reached about a breach. */
const breachContact = z.strictObject({
  name: text,
  role: text.optional(),
  email: z.email('must be an e-mail address'),
  phone,
});

const subProcessor = z
  .strictObject({
    name: text,
    /** What it does for us, e.g. "hosting of the koppel server". */
    service: text,
    /** Where the data are processed, in words, e.g. "Amsterdam, Netherlands". */
    location: text,
    country: countryCode,
    /** 'controller': a supplier the controller contracts itself (Microsoft for its Dataverse); listed, not ours. */
    engagedBy: z.enum(['processor', 'controller']).default('processor'),
    /** Required outside the EEA: the Chapter V ground, e.g. "EU-US Data Privacy Framework" or "SCC 2021/914". */
    transferSafeguard: text.optional(),
  })
  .superRefine((value, ctx) => {
    if (!EEA_COUNTRIES.has(value.country) && !value.transferSafeguard)
      ctx.addIssue({
        code: 'custom',
        path: ['transferSafeguard'],
        message: `must be set: ${value.country} is outside the EEA, so a transfer needs a ground under Art. 45-46 GDPR (an adequacy decision, Standard Contractual Clauses, ...)`,
      });
  });

const SEVENTY_TWO_HOURS = 72;

/**
 * Who koppel processes for, as stated in the Art. 30(2) register and the Data Pro Statement
 * (`koppel register export`). Everything is optional: what is missing is reported there, never invented.
 */
const processor = z.strictObject({
  name: text.optional(),
  /** Postal address, one string; lines separated by commas or newlines. */
  address: text.optional(),
  /** Chamber of Commerce (KvK) or other registration number. */
  registration: text.optional(),
  email: z.email('must be an e-mail address').optional(),
  phone: phone.optional(),
  dpo: contactPoint.optional(),
  breachContacts: z.array(breachContact).max(10, 'must list at most 10 contacts').optional(),
  /** An empty list states there are none; leaving it out means "not yet configured". */
  subProcessors: z.array(subProcessor).max(50).optional(),
  /** Where the koppel server and its store run, in words, e.g. "own server, Amsterdam, Netherlands". */
  hostingLocation: text.optional(),
  hostingCountry: countryCode.optional(),
  certifications: z.array(text).optional(),
  /** The date the Data Pro Statement takes effect, YYYY-MM-DD. */
  statementDate: z.iso.date('must be a date as YYYY-MM-DD').optional(),
  /**
   * Hours from awareness within which the processor informs the controller of a personal-data breach
   * (a tenant may promise fewer: `koppel tenant contacts`). Below 72: the controller must notify the AP
   * within 72 hours of becoming aware (Art. 33(1) GDPR) and needs our notice first.
   */
  notificationHours: z
    .number()
    .int('must be a whole number of hours')
    .min(1, 'must be at least 1')
    .max(
      SEVENTY_TWO_HOURS - 1,
      'must be less than 72: the controller must notify the Autoriteit Persoonsgegevens within 72 hours of becoming aware of a breach (Art. 33(1) GDPR) and needs our notice first; a promise of 72 hours or more would make that impossible',
    )
    .default(24),
});

/**
 * E-mail out of koppel (breach notices to customers, the DPO's alerts, reminders, operational alerts):
 * SMTP with STARTTLS or TLS. `smtp.url` may also come from $KOPPEL_SMTP_URL.
 */
const notifications = z.strictObject({
  smtp: z
    .strictObject({
      /** smtp://user:pass@host:587 (STARTTLS required) or smtps://host:465 (TLS). */
      url: z
        .string()
        .regex(/^smtps?:\/\//, 'must be an smtp:// (STARTTLS) or smtps:// (TLS) URL')
        .optional(),
      /** PEM of a private CA that signed the SMTP server's certificate. */
      caFile: z.string().min(1).optional(),
    })
    .default({}),
  /** The sender of every e-mail, e.g. "koppel <privacy@example.nl>". */
  from: z.string().trim().min(3, 'must be an e-mail address, optionally with a name').optional(),
  /** Where the DPO is e-mailed about every new report; default processor.dpo.email. */
  dpoEmail: z.email('must be an e-mail address').optional(),
  /** Operators e-mailed about operational alerts and failed deliveries. */
  operatorEmails: z.array(z.email('must be an e-mail address')).max(10).default([]),
});

/** When automatic signals open a suspected incident (docs/incident-signals.md). */
const signals = z.strictObject({
  /** A signal of the same kind and tenant within this many minutes of the last one folds into its incident. */
  foldMinutes: z
    .number()
    .int()
    .min(1, 'must be at least 1')
    .max(24 * 60)
    .default(60),
  /** Failed logins or 2FA codes, across all accounts and addresses, that open an incident... */
  loginFailures: z.number().int().min(2, 'must be at least 2').max(10_000).default(10),
  /** ...within this many minutes. A lockout (5 failures of one account or address) opens one too. */
  loginWindowMinutes: z
    .number()
    .int()
    .min(1, 'must be at least 1')
    .max(24 * 60)
    .default(15),
  /** A round with more removals than max(massRemovalMinimum, massRemovalFactor x the tenant's average) pauses its removals. */
  massRemovalMinimum: z.number().int().min(1, 'must be at least 1').max(1_000_000).default(50),
  massRemovalFactor: z.number().min(1, 'must be at least 1').max(1000).default(10),
});

/** The breach register's clocks and escalation (docs/incidents.md). */
const incidents = z.strictObject({
  /** Reminders by e-mail at these fractions of each deadline. */
  reminderFractions: z
    .array(z.number().gt(0, 'must be more than 0').lt(1, 'must be less than 1'))
    .max(5)
    .default([0.5, 0.9]),
  /** Minutes to wait for a contact's acknowledgement before the next contact is tried. */
  acknowledgeMinutes: z
    .number()
    .int()
    .min(5, 'must be at least 5')
    .max(24 * 60)
    .default(60),
  /** Years a closed incident is kept in the register. */
  retentionYears: z.number().int().min(1, 'must be at least 1').max(20).default(5),
  /** The largest evidence file accepted, in bytes. */
  evidenceMaxBytes: z
    .number()
    .int()
    .min(1024)
    .max(50 * 1024 * 1024, 'must be at most 52428800 (50 MiB)')
    .default(10 * 1024 * 1024),
  /** Automatic signals: folding, login-failure and mass-removal thresholds. */
  signals: signals.default(signals.parse({})),
});

/** Prometheus metrics at /metrics (admin server and worker listener). Tenant ids only in labels. */
const metrics = z.strictObject({
  /**
   * A bearer token scrapers send (Authorization: Bearer ...), compared in constant time; also from
   * KOPPEL_METRICS_TOKEN. Without it /metrics answers only to loopback clients (and the allowlist).
   */
  token: z.string().min(24, 'must be at least 24 characters (e.g. openssl rand -hex 24)').optional(),
});

/**
 * The small plain-HTTP listener of a worker: /healthz, /readyz and /metrics. Loopback by default, so a
 * worker needs no inbound port from outside; a non-loopback host serves /metrics only with the token.
 */
const worker = z.strictObject({
  listen: z
    .strictObject({
      enabled: z.boolean().default(true),
      host: z.string().min(1, 'must name an address to listen on, e.g. 127.0.0.1').default('127.0.0.1'),
      /** 0 picks any free port. */
      port: z.number().int().min(0).max(65_535, 'must be a port number from 0 to 65535').default(9464),
    })
    .default({ enabled: true, host: '127.0.0.1', port: 9464 }),
});

/** E-mail alerts to a tenant's technical contact and notifications.operatorEmails (src/alerts/). */
const alerts = z.strictObject({
  enabled: z.boolean().default(true),
  /** A tenant's sync failing for longer than this raises an alert. */
  failingMinutes: z.number().int().min(1, 'must be at least 1').max(10_080).default(30),
  /** More dead letters than this for one tenant raises an alert. */
  deadLetterThreshold: z.number().int().min(0).max(10_000_000).default(100),
});

/** The sync-run history behind the console's dashboard and runs pages (docs/console-api.md). */
const runs = z.strictObject({
  /** Days a round's row and its rejected records are kept (ids and counts only). */
  retentionDays: z.number().int().min(1, 'must be at least 1').max(366, 'must be at most 366').default(30),
});

export const configSchema = z.strictObject({
  /** Where koppel keeps its files (SQLite database, key file). */
  dataDir: z.string().min(1).default('.koppel'),
  store: z
    .discriminatedUnion('driver', [sqliteStore, postgresStore])
    .transform((store, ctx) => {
      if (store.driver !== 'postgres') return store;
      const { ssl, issues } = resolvePostgresTls(store.url, store.ssl);
      for (const issue of issues)
        ctx.addIssue({ code: 'custom', path: [issue.path], message: issue.message });
      return { ...store, ssl };
    })
    .default({ driver: 'sqlite' }),
  masterKey: masterKey.default(masterKey.parse({ source: 'file' })),
  queue: queue.default(queue.parse({})),
  log: log.default(log.parse({})),
  sync: sync.default(sync.parse({})),
  cluster: cluster.default(cluster.parse({})),
  backups: backups.default(backups.parse({})),
  status: status.default(status.parse({})),
  server: server.default(server.parse({})),
  processor: processor.default(processor.parse({})),
  notifications: notifications.default(notifications.parse({})),
  incidents: incidents.default(incidents.parse({})),
  metrics: metrics.default({}),
  worker: worker.default(worker.parse({})),
  alerts: alerts.default(alerts.parse({})),
  runs: runs.default(runs.parse({})),
});

export type KoppelConfig = z.infer<typeof configSchema>;
export type StoreConfig = KoppelConfig['store'];
export type QueueConfig = KoppelConfig['queue'];
export type ClusterConfig = KoppelConfig['cluster'];
export type StatusConfig = KoppelConfig['status'];
export type ServerConfig = KoppelConfig['server'];
export type BackupsConfig = KoppelConfig['backups'];
export type ProcessorConfig = KoppelConfig['processor'];
export type NotificationsConfig = KoppelConfig['notifications'];
export type IncidentsConfig = KoppelConfig['incidents'];
export type SignalsConfig = IncidentsConfig['signals'];
export type MetricsConfig = KoppelConfig['metrics'];
export type WorkerConfig = KoppelConfig['worker'];
export type AlertsConfig = KoppelConfig['alerts'];
