import { z } from 'zod';
import { pauseResultSchema } from '../../runs/run-schemas.js';
import { setTenantPaused } from '../../tenants/tenant-pause.js';
import { TenantError } from '../../tenants/tenant-store.js';
import type { RouteDeps, ZodServer } from '../admin-server.js';
import { ADMIN_ONLY } from '../route-access.js';

const params = z.object({ id: z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'must be a tenant id') });
const problem = z.object({ error: z.string() });

/** Pause and resume a tenant's sync, as `koppel tenant pause|resume`; audited. */
export function tenantPauseRoutes(server: ZodServer, { app, audit }: RouteDeps): void {
  for (const action of ['pause', 'resume'] as const) {
    server.post(
      `/api/tenants/:id/${action}`,
      {
        config: { access: ADMIN_ONLY },
        schema: {
          summary:
            action === 'pause'
              ? "Pause the tenant's sync: its rounds are skipped, its data and queue kept"
              : "Resume the tenant's sync at its next round",
          params,
          response: { 200: pauseResultSchema, 400: problem, 404: problem },
        },
      },
      async (request, reply) => {
        const { id } = request.params;
        try {
          const result = await setTenantPaused(app.tenants, id, action === 'pause');
          await audit(request, {
            action: `tenant.${action}`,
            target: id,
            result: 'ok',
            detail: { changed: result.changed },
          });
          return result;
        } catch (error) {
          if (!(error instanceof TenantError)) throw error;
          await audit(request, { action: `tenant.${action}`, target: id, result: 'failed', detail: {} });
          const missing = /^no tenant/.test(error.message);
          return reply.code(missing ? 404 : 400).send({ error: error.message });
        }
      },
    );
  }
}
