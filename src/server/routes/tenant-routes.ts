import { z } from 'zod';
import { OrgThrottleRegistry } from '../../connectors/dynamics/org-throttle.js';
import { ConfigError } from '../../errors.js';
import { categoriesInUse, parseSyncDefinition } from '../../sync/mapping/index.js';
import { checkAgainstSystems } from '../../tenants/check-mapping.js';
import { parseSettingValue, SECRET_FIELDS, type TenantSettings } from '../../tenants/tenant-settings.js';
import { testConnections } from '../../tenants/test-connection.js';
import type { RouteDeps, ZodServer } from '../admin-server.js';
import { ADMIN_ONLY } from '../route-access.js';

const tenantId = z.object({ id: z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'must be a tenant id') });
const tenant = z.object({
  id: z.string(),
  name: z.string(),
  status: z.string(),
  createdAt: z.number(),
  terminatedAt: z.number().nullable(),
  deletionDueAt: z.number().nullable(),
});
/** `issues` lists a refused definition's or setting's problems one by one, each `path: rule`. */
const problem = z.object({ error: z.string(), issues: z.array(z.string()).optional() });
/** Secrets are write-only: a set one is shown as `{ "set": true }`, its value never. */
const shownSettings = z.record(z.string(), z.record(z.string(), z.unknown()));

/**
 * Our own errors (an unknown tenant, a refused setting) say what to fix and hold no secret: they are
 * the answer. Anything else is an internal error.
 */
async function orBadRequest<T>(
  reply: { code(n: number): { send(b: unknown): unknown } },
  fn: () => Promise<T>,
) {
  try {
    return await fn();
  } catch (error) {
    if (error instanceof ConfigError)
      return reply.code(400).send({ error: error.issues.join('; '), issues: error.issues }) as never;
    if (error instanceof Error && error.constructor === Error)
      return reply.code(400).send({ error: error.message }) as never;
    throw error;
  }
}

export function tenantRoutes(server: ZodServer, { app, audit }: RouteDeps): void {
  server.get(
    '/api/tenants',
    {
      config: { access: ADMIN_ONLY },
      schema: { summary: 'All tenants', response: { 200: z.array(tenant) } },
    },
    async () => (await app.tenants.list()).map(describeTenant),
  );

  server.get(
    '/api/tenants/:id',
    {
      config: { access: ADMIN_ONLY },
      schema: {
        summary: 'One tenant and its settings; secrets only as set or not',
        params: tenantId,
        response: { 200: tenant.extend({ settings: shownSettings.nullable() }), 400: problem },
      },
    },
    async (request, reply) =>
      orBadRequest(reply, async () => {
        const t = await app.tenants.get(request.params.id);
        const settings = t.status === 'terminated' ? null : hideSecrets(await app.tenants.settings(t.id));
        return { ...describeTenant(t), settings };
      }),
  );

  server.patch(
    '/api/tenants/:id/settings',
    {
      config: { access: ADMIN_ONLY },
      schema: {
        summary: 'Change settings, e.g. {"dataverse.clientId": "...", "mailplus.baseUrl": null}; null clears',
        params: tenantId,
        body: z.record(
          z.string().max(64),
          z.union([z.string().max(4096), z.number(), z.boolean(), z.null()]),
        ),
        response: { 200: z.object({ updated: z.array(z.string()) }), 400: problem },
      },
    },
    async (request, reply) =>
      orBadRequest(reply, async () => {
        const changes: Record<string, unknown> = {};
        for (const [field, value] of Object.entries(request.body)) {
          // The same parsing as `koppel tenant set`; a secret may be set but never read back.
          changes[field] = parseSettingValue(field, value === null ? '' : String(value));
        }
        const fields = Object.keys(changes);
        try {
          await app.tenants.updateSettings(request.params.id, changes);
        } catch (error) {
          await audit(request, {
            action: 'tenant.set',
            target: request.params.id,
            result: 'failed',
            detail: { fields },
          });
          throw error;
        }
        await audit(request, {
          action: 'tenant.set',
          target: request.params.id,
          result: 'ok',
          detail: { fields },
        });
        return { updated: fields };
      }),
  );

  server.post(
    '/api/tenants/:id/test-connection',
    {
      config: { access: ADMIN_ONLY },
      schema: {
        summary: 'Sign in to both sides with one harmless read each',
        params: tenantId,
        response: {
          200: z.array(
            z.object({
              side: z.string(),
              ok: z.boolean(),
              summary: z.string(),
              advice: z.string().optional(),
            }),
          ),
          400: problem,
        },
      },
    },
    async (request, reply) =>
      orBadRequest(reply, async () => {
        const checks = await testConnections(await app.tenants.settings(request.params.id), {
          throttles: new OrgThrottleRegistry(),
        });
        await audit(request, {
          action: 'tenant.test-connection',
          target: request.params.id,
          result: checks.every((c) => c.ok) ? 'ok' : 'failed',
        });
        return checks.map((c) => ({
          side: c.side,
          ok: c.ok,
          summary: c.summary,
          advice: c.advice ?? undefined,
        }));
      }),
  );

  server.get(
    '/api/tenants/:id/mapping',
    {
      config: { access: ADMIN_ONLY },
      schema: {
        summary: 'The sync definition in use (the default when none was set)',
        params: tenantId,
        response: {
          200: z.object({ definition: z.unknown(), categories: z.array(z.string()) }),
          400: problem,
        },
      },
    },
    async (request, reply) =>
      orBadRequest(reply, async () => {
        await app.tenants.get(request.params.id);
        const definition = await app.definitions.get(request.params.id);
        return { definition, categories: categoriesInUse(definition) };
      }),
  );

  for (const action of ['validate', 'set'] as const) {
    const route = `/api/tenants/:id/mapping${action === 'validate' ? '/validate' : ''}`;
    const options = {
      config: { access: ADMIN_ONLY },
      schema: {
        summary:
          action === 'validate'
            ? 'Check a definition (and, with check, against both systems) without storing it'
            : 'Validate, check against both systems unless check is false, and store a definition',
        params: tenantId,
        body: z.object({ definition: z.unknown(), check: z.boolean().default(true) }),
        response: {
          200: z.object({ fields: z.number(), permissions: z.number(), stored: z.boolean() }),
          400: problem,
        },
      },
    };
    const handler = async (
      request: { params: { id: string }; body: { definition?: unknown; check: boolean } } & Parameters<
        RouteDeps['audit']
      >[0],
      reply: { code(n: number): { send(b: unknown): unknown } },
    ) =>
      orBadRequest(reply, async () => {
        const id = request.params.id;
        await app.tenants.get(id);
        const def = parseSyncDefinition(request.body.definition);
        if (request.body.check) await checkAgainstSystems(await app.tenants.settings(id), def);
        if (action === 'set') {
          await app.definitions.save(id, request.body.definition);
          await audit(request, {
            action: 'mapping.set',
            target: id,
            result: 'ok',
            detail: { fields: def.fields.length, permissions: def.permissions.length },
          });
        }
        return { fields: def.fields.length, permissions: def.permissions.length, stored: action === 'set' };
      });
    if (action === 'validate') server.post(route, options, handler as never);
    else server.put(route, options, handler as never);
  }
}

function describeTenant(t: Awaited<ReturnType<RouteDeps['app']['tenants']['get']>>) {
  return {
    id: t.id,
    name: t.name,
    status: t.status,
    createdAt: t.createdAt,
    terminatedAt: t.terminatedAt,
    deletionDueAt: t.deletionDueAt,
  };
}

function hideSecrets(settings: TenantSettings): Record<string, Record<string, unknown>> {
  const shown: Record<string, Record<string, unknown>> = {};
  for (const side of ['dataverse', 'mailplus'] as const) {
    shown[side] = {};
    for (const [field, value] of Object.entries(settings[side])) {
      shown[side][field] = SECRET_FIELDS.has(`${side}.${field}`) ? { set: true } : value;
    }
  }
  return shown;
}
