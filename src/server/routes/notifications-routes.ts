import { z } from 'zod';
import type { RouteDeps, ZodServer } from '../admin-server.js';
import { ADMIN_AND_DPO } from '../route-access.js';

const mail = z.object({
  id: z.string(),
  kind: z.string(),
  incidentId: z.string().nullable(),
  tenantId: z.string().nullable(),
  state: z.enum(['pending', 'delivered', 'failed']),
  attempts: z.number(),
  nextAttemptAt: z.number().nullable(),
  lastError: z.string().nullable(),
  createdAt: z.number(),
  deliveredAt: z.number().nullable(),
});

/** The outbox as `koppel notifications list` shows it: kinds, ids, times, attempts; never recipients. */
export function notificationsRoutes(server: ZodServer, { app }: RouteDeps): void {
  server.get(
    '/api/notifications',
    {
      config: { access: ADMIN_AND_DPO },
      schema: {
        summary: 'Every e-mail with its state and attempts (failed ones need a person)',
        querystring: z.object({
          state: z.enum(['pending', 'delivered', 'failed']).optional(),
          incident: z.string().max(100).optional(),
        }),
        response: { 200: z.object({ mails: z.array(mail) }) },
      },
    },
    async (request) => ({
      mails: await app.mailOutbox.list({ state: request.query.state, incidentId: request.query.incident }),
    }),
  );
}
