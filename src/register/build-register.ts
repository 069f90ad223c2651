import type { App } from '../app.js';
import { EEA_COUNTRIES, LOOPBACK_HOST } from '../config/config-schema.js';
import { KEY_MAX_AGE_DAYS, readKeyStatus } from '../keys/key-status.js';
import { isSystemKey } from '../keys/system-keys.js';
import type { DataCategory, SyncDefinition } from '../sync/mapping/index.js';
import {
  categoriesInUse,
  DATA_CATEGORIES,
  flowsToDataverse,
  flowsToMailplus,
} from '../sync/mapping/index.js';
import { MAX_DELETE_AFTER_DAYS } from '../tenants/offboarding.js';
import type { Tenant } from '../tenants/tenant-store.js';
import { configHash } from './config-hash.js';
import type {
  ControllerEntry,
  ProcessingActivity,
  ProcessingRegister,
  SecurityMeasure,
  TransferEntry,
} from './register-model.js';

export interface BuildOptions {
  /** Only this tenant's entry (and the union of its categories). */
  tenantId?: string;
  now?: Date;
}

/**
 * Reads the live configuration, tenants, sync definitions and key facts, and states them as the
 * register. Terminated tenants are left out: their keys are destroyed and nothing is processed for them.
 */
export async function buildRegister(app: App, options: BuildOptions = {}): Promise<ProcessingRegister> {
  const tenants = await selectTenants(app, options.tenantId);
  const stored = await storedDefinitionIds(app);
  const definitions = new Map<string, SyncDefinition>();
  const controllers: ControllerEntry[] = [];
  for (const tenant of tenants) {
    const def = await app.definitions.get(tenant.id);
    definitions.set(tenant.id, def);
    controllers.push(await controllerEntry(app, tenant, def, stored.has(tenant.id)));
  }
  const used = new Set(controllers.flatMap((c) => c.categories));
  const p = app.config.processor;
  const missing: string[] = [];
  const need = <T>(value: T | undefined, path: string): T | null => {
    if (value === undefined) missing.push(path);
    return value ?? null;
  };
  const register: ProcessingRegister = {
    kind: 'koppel-processing-register',
    version: 1,
    generatedAt: (options.now ?? new Date()).toISOString(),
    configHash: configHash(app.config, tenants, definitions),
    processor: {
      name: need(p.name, 'processor.name'),
      address: need(p.address, 'processor.address'),
      registration: p.registration ?? null,
      email: need(p.email, 'processor.email'),
      phone: need(p.phone, 'processor.phone'),
      dpo: {
        name: need(p.dpo?.name, 'processor.dpo.name'),
        email: need(p.dpo?.email, 'processor.dpo.email'),
        phone: p.dpo?.phone ?? null,
      },
      certifications: p.certifications ?? null,
      statementDate: p.statementDate ?? null,
    },
    controllers,
    dataCategories: DATA_CATEGORIES.filter((c) => used.has(c)),
    dataSubjects: ['crm-contacts', 'newsletter-subscribers'],
    subProcessors: need(
      p.subProcessors?.map((s) => ({ ...s, transferSafeguard: s.transferSafeguard ?? null })),
      'processor.subProcessors',
    ),
    hosting: {
      location: need(p.hostingLocation, 'processor.hostingLocation'),
      country: need(p.hostingCountry, 'processor.hostingCountry'),
    },
    transfers: transfers(app.config.processor),
    retention: {
      deadLetterDays: app.config.queue.deadLetterRetentionDays,
      logDays: app.config.log.retentionDays,
      auditDays: app.config.server.auditRetentionDays,
      logToStdout: app.config.log.stdout,
      duplicateWindowSeconds: app.config.queue.duplicateWindowSeconds,
      offboardingMaxDays: MAX_DELETE_AFTER_DAYS,
    },
    security: await securityMeasures(app),
    breach: {
      notificationHours: p.notificationHours,
      contacts: need(
        p.breachContacts?.map((c) => ({ ...c, role: c.role ?? null })),
        'processor.breachContacts',
      ),
    },
    missing,
  };
  return register;
}

async function selectTenants(app: App, tenantId: string | undefined): Promise<Tenant[]> {
  if (tenantId) {
    const tenant = await app.tenants.get(tenantId);
    if (tenant.status === 'terminated') {
      throw new Error(`tenant "${tenantId}" is terminated: nothing is processed for it any more`);
    }
    return [tenant];
  }
  return (await app.tenants.list()).filter((t) => t.status !== 'terminated');
}

async function storedDefinitionIds(app: App): Promise<Set<string>> {
  const rows = await app.store.db.selectFrom('sync_definitions').select('tenant_id').execute();
  return new Set(rows.map((r) => r.tenant_id));
}

async function controllerEntry(
  app: App,
  tenant: Tenant,
  def: SyncDefinition,
  stored: boolean,
): Promise<ControllerEntry> {
  const settings = await app.tenants.settings(tenant.id);
  const mappings = [...def.fields, ...def.permissions];
  const toMailplus = mappings.some(flowsToMailplus);
  // Interactions read from Mail+ and written to Dataverse (docs/interactions.md), when switched on.
  const interactions = settings.interactions.enabled === true;
  const toDataverse = mappings.some(flowsToDataverse) || interactions;
  const activities: ProcessingActivity[] = [
    ...(toMailplus ? (['read-dataverse', 'write-mailplus'] as const) : []),
    ...(toDataverse ? (['read-mailplus', 'write-dataverse'] as const) : []),
    'queue',
    'change-detection',
    'lifecycle',
  ];
  const scope = def.scope;
  return {
    id: tenant.id,
    name: tenant.name,
    status: tenant.status === 'paused' ? 'paused' : 'active',
    definition: stored ? 'stored' : 'default',
    categories: withInteractions(categoriesInUse(def), interactions),
    scope: {
      kind: scope.kind,
      detail:
        scope.kind === 'marketing-list'
          ? scope.listId
          : scope.kind === 'boolean-column'
            ? scope.column
            : null,
    },
    activities,
    systems: {
      dataverse: hostOf(settings.dataverse.baseUrl),
      mailplus: hostOf(settings.mailplus.baseUrl ?? 'https://restapi.mailplus.nl'),
    },
    lifecycle: {
      onDelete: def.onDataverseDelete,
      onDeactivate: def.onDataverseDeactivate,
      onDoNotBulkEmail: def.onDoNotBulkEmail,
    },
  };
}

function hostOf(url: string | undefined): string | null {
  if (!url) return null;
  try {
    return new URL(url).host;
  } catch {
    return null;
  }
}

function transfers(p: App['config']['processor']): TransferEntry[] {
  const out: TransferEntry[] = [];
  if (p.hostingCountry && !EEA_COUNTRIES.has(p.hostingCountry)) {
    out.push({ recipient: 'hosting', country: p.hostingCountry, safeguard: null });
  }
  for (const s of p.subProcessors ?? []) {
    if (s.engagedBy === 'processor' && !EEA_COUNTRIES.has(s.country)) {
      out.push({ recipient: s.name, country: s.country, safeguard: s.transferSafeguard ?? null });
    }
  }
  return out;
}

const day = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString().slice(0, 10));

/** What the code does, stated per measure, with the settings that decide it. */
async function securityMeasures(app: App): Promise<SecurityMeasure[]> {
  const { config } = app;
  const keys = await readKeyStatus(app.store.db, app.keys.masterKeys);
  // koppel's own keys (the administrators', the breach register's, the outbox's) are no controller's.
  const live = keys.tenants.filter((t) => !t.destroyed && !isSystemKey(t.tenantId));
  const admins = await app.admins.list();
  const oldestTenantKey = live.length > 0 ? Math.min(...live.map((t) => t.createdAt)) : null;
  const store = config.store;
  const storeTls =
    store.driver === 'sqlite' ? 'local-file' : store.ssl === 'disable' ? 'unencrypted' : store.ssl;
  const status = config.status;
  const measure = (
    id: SecurityMeasure['id'],
    facts: SecurityMeasure['facts'] = {},
    status: SecurityMeasure['status'] = 'in-place',
  ): SecurityMeasure => ({ id, status, facts });
  return [
    measure('encryption-at-rest', { algorithm: 'AES-256-GCM' }),
    measure('tenant-keys', { tenants: live.length }),
    measure('master-key', {
      source: config.masterKey.source,
      inUseSince: day(keys.currentMasterKeySince),
    }),
    measure('key-rotation', { maxAgeDays: KEY_MAX_AGE_DAYS, oldestTenantKey: day(oldestTenantKey) }),
    measure('payload-deletion'),
    measure('minimisation'),
    measure('tls-systems'),
    measure('tls-store', { mode: storeTls }, storeTls === 'unencrypted' ? 'attention' : 'in-place'),
    measure('status-api', {
      enabled: status.enabled,
      loopbackOnly: LOOPBACK_HOST.test(status.host),
      certificate: status.tls.certFile ? 'provided' : 'self-signed',
    }),
    measure('outbound-only'),
    measure('pii-free-logs', { logDays: config.log.retentionDays }),
    measure('crypto-shredding', { maxDays: MAX_DELETE_AFTER_DAYS }),
    measure('doctor'),
    measure('admin-access', {
      maxAdmins: config.server.maxAdmins,
      admins: admins.filter((a) => a.role === 'admin').length,
      allow: config.server.allow.join(', '),
    }),
  ];
}

/** The definition's categories, plus interactions when the tenant's interactions feed is on. */
function withInteractions(categories: DataCategory[], on: boolean): DataCategory[] {
  if (!on || categories.includes('interactions')) return categories;
  return DATA_CATEGORIES.filter((c) => c === 'interactions' || categories.includes(c));
}
