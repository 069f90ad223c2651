import { buildDashboard } from '../../runs/dashboard.js';
import { dashboardSchema } from '../../runs/run-schemas.js';
import type { RouteDeps, ZodServer } from '../admin-server.js';
import { ADMIN_AND_DPO } from '../route-access.js';

/** The console's dashboard: every tenant's state, last round, lag, queue and charts (ids and counts only). */
export function dashboardRoutes(server: ZodServer, { app }: RouteDeps): void {
  server.get(
    '/api/dashboard',
    {
      config: { access: ADMIN_AND_DPO },
      schema: {
        summary:
          'Per tenant: state (loading, live, paused, failing and why), last round, lag, queue depth, dead letters, and written/lag series per hour (24 h) and per day (30 d)',
        response: { 200: dashboardSchema },
      },
      // The schema describes the answer (OpenAPI); checking it again on the way out cost more than
      // building it for 200 tenants. buildDashboard's return type is the schema's type already.
      serializerCompiler: () => (data) => JSON.stringify(data),
    },
    async () => buildDashboard({ db: app.store.db, queue: app.queue, tenants: app.tenants }, app.clock.now()),
  );
}
