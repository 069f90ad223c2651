import { z } from 'zod';
import type { RouteDeps, ZodServer } from '../admin-server.js';
import { ADMIN_AND_DPO } from '../route-access.js';

const entry = z.object({
  seq: z.number(),
  at: z.number(),
  actor: z.string(),
  address: z.string(),
  action: z.string(),
  target: z.string().nullable(),
  result: z.string(),
  detail: z.record(z.string(), z.unknown()),
  prevHash: z.string(),
  hash: z.string(),
});

/** The audit log a page at a time, newest first (the console's audit page); GET /api/audit is oldest first. */
export function auditPageRoutes(server: ZodServer, { app }: RouteDeps): void {
  server.get(
    '/api/audit/page',
    {
      config: { access: ADMIN_AND_DPO },
      schema: {
        summary: 'Audit entries newest first, a page at a time; next is the `before` of the next page',
        querystring: z.object({
          before: z.coerce.number().int().min(1).optional(),
          limit: z.coerce.number().int().min(1).max(500).default(50),
        }),
        response: {
          200: z.object({ entries: z.array(entry), next: z.number().nullable(), total: z.number() }),
        },
      },
    },
    async (request) => {
      const page = await app.audit.page({ before: request.query.before, limit: request.query.limit });
      const { count } = await app.audit.extent();
      return { ...page, total: count };
    },
  );
}
