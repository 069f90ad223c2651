import { z } from 'zod';
import type { RouteDeps, ZodServer } from '../admin-server.js';
import { ADMIN_ONLY } from '../route-access.js';

const DAY_MS = 86_400_000;
const MAX_LIST = 1_000;

/**
 * The console's dead-letter list: what GET /api/dead-letters gives, plus each letter's age and the
 * time left before the retention job deletes it, both from koppel's clock, so the page never
 * reckons with the browser's. Ids, reasons and counts only: no payloads, no descriptions.
 */
export function deadLetterOverviewRoutes(server: ZodServer, { app }: RouteDeps): void {
  server.get(
    '/api/dead-letters/overview',
    {
      config: { access: ADMIN_ONLY },
      schema: {
        summary:
          'Dead letters with their age and the time left before deletion (queue.deadLetterRetentionDays)',
        querystring: z.object({
          tenant: z.string().max(64).optional(),
          limit: z.coerce.number().int().min(1).max(MAX_LIST).default(200),
        }),
        response: {
          200: z.object({
            now: z.number(),
            retentionDays: z.number(),
            total: z.number(),
            letters: z.array(
              z.object({
                seq: z.number(),
                tenantId: z.string(),
                queue: z.string(),
                messageId: z.string(),
                key: z.string().nullable(),
                reason: z.string(),
                deliveryCount: z.number(),
                deadLetteredAt: z.number(),
                ageSeconds: z.number(),
                deletedInSeconds: z.number(),
              }),
            ),
          }),
        },
      },
    },
    async (request) => {
      const { tenant, limit } = request.query;
      const now = app.clock.now();
      const retentionDays = app.config.queue.deadLetterRetentionDays;
      const [letters, stats] = await Promise.all([
        app.queue.listDeadLetters({ tenantId: tenant, limit }),
        app.queue.stats(),
      ]);
      return {
        now,
        retentionDays,
        total: stats.filter((s) => !tenant || s.tenantId === tenant).reduce((n, s) => n + s.dead, 0),
        letters: letters.map((d) => ({
          seq: d.seq,
          tenantId: d.tenantId,
          queue: d.queue,
          messageId: d.messageId,
          key: d.key,
          reason: d.reason,
          deliveryCount: d.deliveryCount,
          deadLetteredAt: d.deadLetteredAt,
          ageSeconds: Math.max(0, Math.floor((now - d.deadLetteredAt) / 1000)),
          deletedInSeconds: Math.max(0, Math.floor((d.deadLetteredAt + retentionDays * DAY_MS - now) / 1000)),
        })),
      };
    },
  );
}
