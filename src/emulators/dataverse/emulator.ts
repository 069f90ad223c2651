import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { type Clock, type Random, seededRandom, systemClock, systemRandom } from '../../clock.js';
import { selfSignedCertificate } from '../../tls/self-signed.js';
import { FaultInjector, type FaultRates } from '../shared/faults.js';
import { EmulatorAdmin } from './admin.js';
import { type Column, contactColumns } from './contact-schema.js';
import { EntraEmulator } from './entra-id.js';
import { RequestLog } from './request-log.js';
import { API_PATH, createRequestListener } from './server.js';
import { ServiceProtection, type ServiceProtectionLimits } from './service-protection.js';
import { DataverseStore } from './store.js';
import { UpdateFaults } from './update-faults.js';

export interface DataverseEmulatorOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  tenantId?: string;
  clientId?: string;
  clientSecret?: string;
  /** Synthetic contacts to create at start. */
  seedContacts?: number;
  /** Seeds the synthetic people and the ids; default 1. */
  randomSeed?: number;
  faults?: FaultRates;
  /** Delta tokens older than this fail with the expired-version-stamp error; default 7 days. */
  changeTokenLifetimeMs?: number;
  limits?: ServiceProtectionLimits;
  /** Extra latency before each Web API answer, e.g. to reach the concurrency limit. */
  latencyMs?: number;
  clock?: Clock;
  /**
   * Custom contact columns this organisation's makers added, by logical name with the publisher's
   * prefix, e.g. `{ new_klantnummer: { type: 'string', maxLength: 20 } }`. They are read, written,
   * filtered, change-tracked and validated like the standard columns.
   */
  customColumns?: Readonly<Record<string, Column>>;
  /** Whether koppel's interactions solution is installed (its activity table, the keys); default true. */
  activityTables?: boolean;
}

export interface DataverseEmulator {
  /** `https://127.0.0.1:<port>/api/data/v9.2/` */
  baseUrl: string;
  /** `https://127.0.0.1:<port>/<tenant>`; the token scope is `https://127.0.0.1:<port>/.default`. */
  authority: string;
  tokenUrl: string;
  tenantId: string;
  clientId: string;
  clientSecret: string;
  /** PEM of the self-signed certificate the emulator serves; a client trusts it as its CA. */
  caCertificate: string;
  admin: EmulatorAdmin;
  close(): Promise<void>;
}

const SEVEN_DAYS_MS = 7 * 24 * 3600 * 1000;

/** Starts an emulated Dataverse organisation plus its Entra ID token endpoint on one TLS listener. */
export async function startDataverseEmulator(
  options: DataverseEmulatorOptions = {},
): Promise<DataverseEmulator> {
  // Checked before anything listens, so a column Dataverse could not have leaves nothing running.
  const columns = contactColumns(options.customColumns);
  const clock = options.clock ?? systemClock;
  const seed = options.randomSeed ?? 1;
  const random: Random = options.randomSeed === undefined ? systemRandom : seededRandom(seed);
  const tenantId = options.tenantId ?? random.uuid();
  const clientId = options.clientId ?? random.uuid();
  const clientSecret = options.clientSecret ?? systemRandom.bytes(24).toString('base64url');
  const { key, cert } = await selfSignedCertificate();
  const server = createServer({ key, cert });
  await new Promise<void>((resolve) =>
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', resolve),
  );
  const { port } = server.address() as AddressInfo;
  const host = options.host ?? '127.0.0.1';
  const origin = `https://${host.includes(':') ? `[${host}]` : host}:${port}`;

  const store = new DataverseStore(clock, random);
  const faultInjector = new FaultInjector(seededRandom(seed + 1), options.faults);
  const protection = new ServiceProtection(clock, options.limits);
  const log = new RequestLog();
  const updateFaults = new UpdateFaults();
  const admin = new EmulatorAdmin(store, faultInjector, protection, log, seed, updateFaults, columns);
  const entra = new EntraEmulator({ tenantId, clientId, clientSecret, origin, clock, random });
  const ctx = {
    store,
    columns,
    clock,
    apiBase: `${origin}${API_PATH}`,
    changeTokenLifetimeMs: options.changeTokenLifetimeMs ?? SEVEN_DAYS_MS,
    identity: { UserId: random.uuid(), BusinessUnitId: random.uuid(), OrganizationId: random.uuid() },
    updateFaults,
    activityTables: options.activityTables ?? true,
  };
  server.on(
    'request',
    createRequestListener({
      ctx,
      entra,
      admin,
      protection,
      faultInjector,
      log,
      clock,
      adminKey: clientSecret,
      newBoundary: () => systemRandom.uuid(),
      latencyMs: () => options.latencyMs ?? 0,
    }),
  );
  if (options.seedContacts) admin.seedContacts(options.seedContacts);

  return {
    baseUrl: ctx.apiBase,
    authority: `${origin}/${tenantId}`,
    tokenUrl: entra.tokenUrl,
    tenantId,
    clientId,
    clientSecret,
    caCertificate: cert,
    admin,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
