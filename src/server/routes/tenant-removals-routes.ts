import { z } from 'zod';
import { KoppelError } from '../../errors.js';
import { decideRemovals, showRemovals } from '../../incidents/signals/removal-decisions.js';
import { TenantError } from '../../tenants/tenant-store.js';
import type { RouteDeps, ZodServer } from '../admin-server.js';
import { ADMIN_AND_DPO, ADMIN_ONLY } from '../route-access.js';

const params = z.object({ id: z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'must be a tenant id') });
const problem = z.object({ error: z.string() });
const pause = z
  .object({
    state: z.enum(['paused', 'confirmed', 'rejected']),
    since: z.number(),
    removals: z.number(),
    threshold: z.number(),
    average: z.number(),
    decidedAt: z.number().nullable(),
    decidedBy: z.string().nullable(),
    rejectedBefore: z.number().nullable(),
  })
  .nullable();
const view = z.object({ tenantId: z.string(), pause });

/** An unknown tenant is 404, nothing paused is 409; both messages say what to do, and hold no secret. */
async function answer<T>(reply: { code(n: number): { send(b: unknown): unknown } }, fn: () => Promise<T>) {
  try {
    return await fn();
  } catch (error) {
    if (error instanceof TenantError) return reply.code(404).send({ error: error.message }) as never;
    if (error instanceof KoppelError) return reply.code(409).send({ error: error.message }) as never;
    throw error;
  }
}

/** A tenant's removals paused after a mass removal (docs/incident-signals.md); as `koppel tenant removals`. */
export function tenantRemovalsRoutes(server: ZodServer, { app }: RouteDeps): void {
  server.get(
    '/api/tenants/:id/removals',
    {
      config: { access: ADMIN_AND_DPO },
      schema: {
        summary: "Whether the tenant's removals are paused after a mass removal, why, and any decision",
        params,
        response: { 200: view, 404: problem },
      },
    },
    async (request, reply) => answer(reply, () => showRemovals(app, request.params.id)),
  );

  for (const decision of ['confirm', 'reject'] as const) {
    server.post(
      `/api/tenants/:id/removals/${decision}`,
      {
        config: { access: ADMIN_ONLY },
        schema: {
          summary:
            decision === 'confirm'
              ? 'Confirm a paused mass removal: the held removals are delivered (within 5 minutes)'
              : 'Reject a paused mass removal: the held removals are dead-lettered as rejected-by-admin (replayable)',
          params,
          response: { 200: view, 404: problem, 409: problem },
        },
      },
      async (request, reply) =>
        answer(reply, async () => {
          const by = { actor: request.session?.username ?? '-', address: request.ip };
          const decided = await decideRemovals(app, request.params.id, decision, by);
          return { tenantId: request.params.id, pause: decided };
        }),
    );
  }
}
