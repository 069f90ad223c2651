import { AdminStore } from './admin/admin-store.js';
import { LoginThrottle } from './admin/login-throttle.js';
import { SessionStore } from './admin/session-store.js';
import { OpsAlerts } from './alerts/ops-alerts.js';
import { SyncHealth } from './alerts/sync-health.js';
import { AuditLog } from './audit/audit-log.js';
import { type Clock, type Random, systemClock, systemRandom } from './clock.js';
import { Cluster } from './cluster/cluster.js';
import type { KoppelConfig } from './config/config-schema.js';
import { createConnectorFactory } from './connectors/create-connectors.js';
import type { DueJob } from './incidents/due-jobs.js';
import { Escalation } from './incidents/escalation.js';
import type { MailOutbox } from './incidents/incident-model.js';
import { IncidentRegister } from './incidents/incident-register.js';
import { IncidentReminders } from './incidents/incident-reminders.js';
import { recordMasterKeyFailure } from './incidents/signals/master-key-failure.js';
import { SignalWatcher } from './incidents/signals/signal-watcher.js';
import { InteractionFeed } from './interactions/interaction-feed.js';
import { KnownContacts } from './interactions/known-contacts.js';
import type { CryptographyClientFactory } from './keys/azure-key-vault.js';
import { KeyRing } from './keys/key-ring.js';
import { openMasterKeys } from './keys/open-master-keys.js';
import { type AppLogger, createAppLogger, type Logger } from './log/logger.js';
import { instrumentedFetch } from './metrics/instrumented-fetch.js';
import { Metrics } from './metrics/metrics.js';
import { Outbox } from './notifications/outbox.js';
import { runNotificationRound } from './notifications/outbox-delivery.js';
import { createSmtpMailer, type Mailer } from './notifications/smtp-mailer.js';
import { currentLeaseOwner, type LeaseOwner } from './queue/lease-owner.js';
import { createPostgresQueue } from './queue/postgres/postgres-queue.js';
import type { Queue } from './queue/queue.js';
import { type SecurityEvent, SecurityEventLog } from './queue/security-event-log.js';
import { createSqliteQueue } from './queue/sqlite/sqlite-queue.js';
import { RetentionJob } from './retention/retention-job.js';
import { RunHistory } from './runs/run-history.js';
import { migrate } from './store/migrate.js';
import { openStore, type Store } from './store/open-store.js';
import { DefinitionStore } from './sync/definition-store.js';
import type { ConnectorFactory } from './sync/ports/index.js';
import { SyncEngine } from './sync/sync-engine.js';
import { TenantContactsStore } from './tenants/tenant-contacts-store.js';
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
  /** Where a tenant's first interactions window starts; default when its interactions feed first runs. */
  interactionsFrom?: number;
  /** The mailer behind the outbox; default SMTP from `notifications` (null: none configured). */
  mailer?: Mailer | null;
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
  /** Each tenant's third feed: Mail+ interactions into Dataverse activities (off unless switched on). */
  interactions: InteractionFeed;
  retention: RetentionJob;
  /** The sync-run history (one row per tenant round, its rejects, hourly sums): the console's dashboard. */
  runs: RunHistory;
  /** Administrator accounts (at most server.maxAdmins with role admin), their sessions and lockout. */
  admins: AdminStore;
  sessions: SessionStore;
  loginThrottle: LoginThrottle;
  /** The append-only, hash-chained audit log of administrative actions. */
  audit: AuditLog;
  /** Security events for the incident register (failed logins, refused addresses, ...). */
  securityEvents: SecurityEventLog;
  /** Turns security events into suspected incidents; one of the due jobs `koppel run` runs. */
  signals: SignalWatcher;
  /** The breach (datalek) register: incidents, their workflow, clocks and evidence. */
  incidents: IncidentRegister;
  /** E-mails the DPO and operators before each incident deadline (a due job of `koppel run`). */
  incidentReminders: IncidentReminders;
  /** Where e-mails are put (the register, the escalation, alerts): mailOutbox unless a test gave one. */
  outbox: MailOutbox;
  /** The durable SMTP outbox: listed, delivered and retried (`koppel notifications`, the due jobs). */
  mailOutbox: Outbox;
  /** Each tenant's controller details and breach-notice contacts, sealed with its key. */
  tenantContacts: TenantContactsStore;
  /** Informing customers: notices, acknowledgements, phone tasks, the next contact, follow-ups. */
  escalation: Escalation;
  /** Which master key is in use: its id, where it comes from (file, $VARIABLE, Key Vault key id). */
  masterKey: { id: string; source: string; created: boolean };
  /** Migrations applied by this start (empty when the store was up to date). */
  migrationsApplied: string[];
  /** Prometheus metrics (/metrics on the admin server and the worker listener); tenant ids only. */
  metrics: Metrics;
  /** How each tenant's sync rounds last ended, for the metrics and the alerts. */
  syncHealth: SyncHealth;
  /** Operational alerts by e-mail (sync failing, dead letters, full resync); one of the due jobs. */
  alerts: OpsAlerts;
  /** The workers around this store, their tenant leases and once-per-interval jobs (docs/cluster.md). */
  cluster: Cluster;
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
  const masters = await openMasterKeys(config, options.env ?? process.env, {
    keyVault: options.keyVault,
  }).catch(async (error: unknown) => {
    await recordMasterKeyFailure(config, clock, error);
    throw error;
  });
  const store = openStore(config.store, config.dataDir);
  try {
    const migration = await migrate(store);
    if (migration.error) throw migration.error;
    const securityEvents = new SecurityEventLog(store.db, clock, options.onSecurityEvent);
    const keys = new KeyRing(store.db, masters.keys, clock, random, securityEvents);
    const syncHealth = new SyncHealth(store, clock);
    // The queue is made below and observed by the metrics, which read its figures at each scrape.
    const metrics: Metrics = new Metrics({ store, clock, queueStats: () => queue.stats(), syncHealth });
    const leaseOwner = options.leaseOwner ?? currentLeaseOwner(random.uuid());
    const queueDeps = {
      observer: metrics,
      store,
      keys,
      clock,
      random,
      config: config.queue,
      onSecurityEvent: options.onSecurityEvent,
      owner: leaseOwner,
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
      httpFetch: (tenantId, service) => instrumentedFetch(metrics, clock, service, tenantId),
    });
    const audit = new AuditLog(store, clock, () => logger.get());
    const mailer = lazyMailer(config, options.mailer);
    const mailOutbox = new Outbox({
      store,
      keys,
      clock,
      random,
      mailer: mailer.get,
      log: () => logger.get(),
    });
    const tenantContacts = new TenantContactsStore(
      store,
      keys,
      tenants,
      clock,
      config.processor.notificationHours,
    );
    const outbox = options.outbox ?? mailOutbox;
    const incidents = new IncidentRegister({
      store,
      keys,
      clock,
      config,
      tenants,
      audit,
      outbox,
      log: () => logger.get(),
      // A tenant's own, lower customer-notice promise (koppel tenant contacts) shortens its clock.
      tenantHours: async (tenantId) => (await tenantContacts.get(tenantId))?.notificationHours,
    });
    const signals = new SignalWatcher({
      db: store.db,
      clock,
      register: incidents,
      config: config.incidents.signals,
    });
    const runs = new RunHistory(store, clock, config.runs.retentionDays);
    const cluster = new Cluster({
      store,
      clock,
      leaseMs: config.cluster.leaseSeconds * 1000,
      owner: leaseOwner,
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
      securityEvents,
      onRound: async (report) => {
        await runs.record(report);
      },
      fence: cluster.coordinator.fence,
      massRemoval: {
        minimum: config.incidents.signals.massRemovalMinimum,
        factor: config.incidents.signals.massRemovalFactor,
      },
      onOutcome: async (tenantId, outcome) => {
        metrics.syncRound(tenantId, outcome.ok);
        await syncHealth.record(tenantId, outcome);
      },
    });
    const escalation = new Escalation({
      register: incidents,
      contacts: tenantContacts,
      outbox,
      clock,
      random,
      config,
      securityEvents,
      log: () => logger.get(),
    });
    const incidentReminders = new IncidentReminders({
      register: incidents,
      config,
      clock,
      outbox,
      log: () => logger.get(),
    });
    const alerts = new OpsAlerts({
      store,
      queue,
      syncHealth,
      contacts: tenantContacts,
      outbox,
      clock,
      config: config.alerts,
      operatorEmails: config.notifications.operatorEmails,
      log: () => logger.get(),
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
      interactions: new InteractionFeed({
        tenants,
        contextOf: (tenantId) => engine.context(tenantId),
        clock,
        log: () => logger.get(),
        from: options.interactionsFrom,
        known: new KnownContacts(store),
      }),
      retention: new RetentionJob({ store, queue, config, clock, audit, runs }),
      runs,
      admins: new AdminStore(store, keys, clock, config.server.maxAdmins),
      sessions: new SessionStore(store, clock),
      loginThrottle: new LoginThrottle(store, clock),
      audit,
      securityEvents,
      incidents,
      incidentReminders,
      outbox,
      signals,
      mailOutbox,
      tenantContacts,
      escalation,
      masterKey: { id: masters.keys.current.id, source: masters.source, created: masters.created },
      migrationsApplied: migration.applied,
      metrics,
      syncHealth,
      alerts,
      cluster,
      dueJobs: [
        signals,
        { name: 'reminders', runDue: () => incidentReminders.runDue() },
        // Before the notifications job, so an alert opened in this round is delivered in it too.
        alerts,
        {
          name: 'notifications',
          runDue: () => runNotificationRound({ outbox: mailOutbox, escalation, log: () => logger.get() }),
        },
      ],
      close: async () => {
        await engine.close();
        mailer.close();
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

/** The SMTP connection is opened on the first delivery, so a command that sends nothing opens none. */
function lazyMailer(config: KoppelConfig, given: Mailer | null | undefined) {
  let made: Mailer | null | undefined = given;
  return {
    get: (): Mailer | null => {
      if (made === undefined) made = createSmtpMailer(config.notifications);
      return made;
    },
    close: () => {
      if (given === undefined) made?.close();
    },
  };
}
