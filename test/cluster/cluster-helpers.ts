import { type App, createApp } from '../../src/app.js';
import { seededRandom } from '../../src/clock.js';
import { type Backend, createTestApp, TEST_MASTER_KEY, type TestApp } from '../helpers/stores.js';

export const TENANTS = ['t1', 't2', 't3', 't4', 't5', 't6'];
export const LEASE_MS = 30_000;

/** One store and `n` koppel processes on it (apps in this process), sharing one ManualClock. */
export async function startCluster(
  backend: Backend,
  n: number,
): Promise<{ t: TestApp; apps: App[]; close(): Promise<void> }> {
  const owner = (i: number) => ({ host: 'test-host', pid: 1000 + i, instance: `instance-${i}-aaaa` });
  const t = await createTestApp(backend, {}, { leaseOwner: owner(0) });
  const apps = [t.app];
  for (let i = 1; i < n; i++)
    apps.push(
      await createApp(t.app.config, {
        env: { KOPPEL_MASTER_KEY: TEST_MASTER_KEY },
        clock: t.clock,
        random: seededRandom(100 + i),
        leaseOwner: owner(i),
      }),
    );
  for (const id of TENANTS) await t.app.tenants.add(id, `Tenant ${id}`);
  return {
    t,
    apps,
    close: async () => {
      for (const app of apps.slice(1)) await app.close();
      await t.close();
    },
  };
}

/** Which tenants each app holds, by the store's lease rows (live ones only). */
export async function owners(app: App): Promise<Map<string, string>> {
  const now = app.clock.now();
  const rows = await app.cluster.leases.leases();
  return new Map(rows.filter((l) => l.owner && l.expiresAt > now).map((l) => [l.tenant, l.owner!]));
}
