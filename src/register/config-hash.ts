import { createHash } from 'node:crypto';
import type { KoppelConfig } from '../config/config-schema.js';
import type { SyncDefinition } from '../sync/mapping/index.js';
import type { Tenant } from '../tenants/tenant-store.js';

/**
 * SHA-256 of what the register is made from: the configuration (without the store URL, which may
 * hold a password), and per tenant its name, status and sync definition. Two registers with the same
 * hash describe the same configuration, whenever they were generated.
 */
export function configHash(
  config: KoppelConfig,
  tenants: readonly Tenant[],
  definitions: ReadonlyMap<string, SyncDefinition>,
): string {
  const { store, ...rest } = config;
  const input = {
    config: {
      ...rest,
      store: { driver: store.driver, ...(store.driver === 'postgres' ? { ssl: store.ssl } : {}) },
    },
    tenants: tenants.map((t) => ({
      id: t.id,
      name: t.name,
      status: t.status,
      definition: definitions.get(t.id) ?? null,
    })),
  };
  return `sha256:${createHash('sha256').update(stableJson(input)).digest('hex')}`;
}

/** JSON with object keys sorted, so equal values always give equal text. */
export function stableJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(
          Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
        )
      : v,
  );
}
