import { AdminStore } from './admin/admin-store.js';
import { LoginThrottle } from './admin/login-throttle.js';
import { SessionStore } from './admin/session-store.js';
import { AuditLog } from './audit/audit-log.js';
import { type Clock, type Random, systemClock, systemRandom } from './clock.js';
import type { KoppelConfig } from './config/config-schema.js';
import { createConnectorFactory } from './connectors/create-connectors.js';
import type { DueJob } from './incidents/due-jobs.js';
import type { MailOutbox } from './incidents/incident-model.js';
import { IncidentRegister } from './incidents/incident-register.js';
import { LogOutbox } from './incidents/log-outbox.js';
import type { CryptographyClientFactory } from './keys/azure-key-vault.js';
import { KeyRing } from './keys/key-ring.js';
import { openMasterKeys } from './keys/open-master-keys.js';
import { type AppLogger, createAppLogger, type Logger } from './log/logger.js';
import { currentLeaseOwner, type LeaseOwner } from './queue/lease-owner.js';
import { createPostgresQueue } from './queue/postgres/postgres-queue.js';
import type { Queue } from './queue/queue.js';
import { type SecurityEvent, SecurityEventLog } from './queue/security-event-log.js';
import { createSqliteQueue } from './queue/sqlite/sqlite-queue.js';
import { RetentionJob } from './retention/retention-job.js';
import { migrate } from './store/migrate.js';
import { openStore, type Store } from './store/open-store.js';
import { DefinitionStore } from './sync/definition-store.js';
import type { ConnectorFactory } from './sync/ports/index.js';
import { SyncEngine } from './sync/sync-engine.js';
import { TenantStore } from './tenants/tenant-store.js';

export interface AppOptions {
  env?: NodeJS.ProcessEnv;
  clock?: Clock;
  random?: Random;
  onSecurityEvent?: (event: SecurityEvent) => void;
  /** Azure Key Vault client factory; default the real SDK (tests pass a fake). */
  keyVault?: CryptographyClientFactory;
  /** The logger; default the configured one (standard output and/or daily files), made on first use. */
  log?: Logger;
  /** Builds a tenant's connectors; default the real Dataverse and Mail+ clients (tests may wrap them). */
  connectors?: (real: ConnectorFactory) => ConnectorFactory;
  /** The Mail+ feed overlap in ms; default `sync.mailplusOverlapSeconds` (tests use sub-second ones). */
  mailplusOverlapMs?: number;
  /** Where a tenant's first Mail+ feed window starts; default when its sync first runs. */
  mailplusFrom?: number;
  /** The queue's lease owner (machine, pid, start); default this process. Tests name dead ones. */
  leaseOwner?: LeaseOwner;
  /** Whether a pid runs on this machine; default a signal-0 probe. */
  processAlive?: (pid: number) => boolean;
  /** Where e-mails go (breach notices, the DPO's alerts, reminders); default one that only logs. */
  outbox?: MailOutbox;
}

export interface App {
  config: KoppelConfig;
  /** The environment the app was built from (the master key variable, for doctor in the server). */
  env: NodeJS.ProcessEnv;
  clock: Clock;
  random: Random;
  /** Made on first use, so a command that logs nothing opens no log file. */
  readonly log: Logger;
  store: Store;
  keys: KeyRing;
  queue: Queue;
  tenants: TenantStore;
  definitions: DefinitionStore;
  engine: SyncEngine;
  retention: RetentionJob;
  /** Administrator accounts (at most server.maxAdmins with role admin), their sessions and lockout. */
  admins: AdminStore;
  sessions: SessionStore;
  loginThrottle: LoginThrottle;
  /** The append-only, hash-chained audit log of administrative actions. */
  audit: AuditLog;
  /** Security events for the incident register (failed logins, refused addresses, ...). */
  securityEvents: SecurityEventLog;
  /** The breach (datalek) register: incidents, their workflow, clocks and evidence. */
  incidents: IncidentRegister;
  /** Outgoing e-mail (the notifications helper's SMTP outbox, or a logging default). */
  outbox: MailOutbox;
  /** Which master key is in use: its id, where it comes from (file, $VARIABLE, Key Vault key id). */
  masterKey: { id: string; source: string; created: boolean };
  /** Migrations applied by this start (empty when the store was up to date). */
  migrationsApplied: string[];
  /** What `koppel run` does every 30 s beside the sync (incidents/due-jobs.ts), in this order. */
  dueJobs: DueJob[];
  close(): Promise<void>;
}

/**
 * The composition root: the CLI, the server, the workers, the demo, the tests and the benchmarks all
 * build koppel here, from one configuration. It is the only module that picks implementations.
 */
export async function createApp(config: KoppelConfig, options: AppOptions = {}): Promise<App> {
  const clock = options.clock ?? systemClock;
  const random = options.random ?? systemRandom;
  const masters = await openMasterKeys(config, options.env ?? process.env, { keyVault: options.keyVault });
  const store = openStore(config.store, config.dataDir);
  try {
    const migration = await migrate(store);
    if (migration.error) throw migration.error;
    const keys = new KeyRing(store.db, masters.keys, clock, random);
    const queueDeps = {
      store,
      keys,
      clock,
      random,
      config: config.queue,
      onSecurityEvent: options.onSecurityEvent,
      owner: options.leaseOwner ?? currentLeaseOwner(random.uuid()),
      processAlive: options.processAlive,
    };
    const queue = store.dialect === 'sqlite' ? createSqliteQueue(queueDeps) : createPostgresQueue(queueDeps);
    const tenants = new TenantStore(store.db, keys, clock);
    const definitions = new DefinitionStore(store, tenants, clock);
    const logger = lazyLogger(config, clock, options.log);
    const real = createConnectorFactory({
      tenants,
      clock,
      random,
      mailplusOverlapMs: options.mailplusOverlapMs ?? config.sync.mailplusOverlapSeconds * 1000,
    });
    const audit = new AuditLog(store, clock, () => logger.get());
    const outbox = options.outbox ?? new LogOutbox(() => logger.get(), clock);
    const incidents = new IncidentRegister({
      store,
      keys,
      clock,
      config,
      tenants,
      audit,
      outbox,
      log: () => logger.get(),
    });
    const engine = new SyncEngine({
      store,
      queue,
      keys,
      tenants,
      clock,
      get log() {
        return logger.get();
      },
      connectors: options.connectors ? options.connectors(real) : real,
      mapperFor: (tenantId) => definitions.mapperFor(tenantId),
      mailplusFrom: options.mailplusFrom,
    });
    return {
      config,
      env: options.env ?? process.env,
      clock,
      random,
      get log() {
        return logger.get();
      },
      store,
      keys,
      queue,
      tenants,
      definitions,
      engine,
      retention: new RetentionJob({ store, queue, config, clock, audit }),
      admins: new AdminStore(store, keys, clock, config.server.maxAdmins),
      sessions: new SessionStore(store, clock),
      loginThrottle: new LoginThrottle(store, clock),
      audit,
      securityEvents: new SecurityEventLog(store.db, clock, options.onSecurityEvent),
      incidents,
      outbox,
      masterKey: { id: masters.keys.current.id, source: masters.source, created: masters.created },
      migrationsApplied: migration.applied,
      dueJobs: [],
      close: async () => {
        await engine.close();
        logger.close();
        await store.close();
      },
    };
  } catch (error) {
    await store.close();
    throw error;
  }
}

function lazyLogger(config: KoppelConfig, clock: Clock, given: Logger | undefined) {
  let made: AppLogger | undefined;
  return {
    get: (): Logger => {
      if (given) return given;
      made ??= createAppLogger(config, { clock });
      return made.logger;
    },
    close: () => made?.close(),
  };
}
