import { metricsRefusal } from '../../metrics/metrics-access.js';
import type { RouteDeps, ZodServer } from '../admin-server.js';
import { PUBLIC } from '../route-access.js';

/**
 * GET /metrics for Prometheus. No session (a scraper has none): the allowlist admits the address
 * first, like every route, and with metrics.token set the scrape must also carry the bearer token.
 */
export function metricsRoutes(server: ZodServer, { app }: RouteDeps): void {
  server.get('/metrics', { schema: { hide: true }, config: { access: PUBLIC } }, async (request, reply) => {
    const refused = metricsRefusal(app.config.metrics.token, request.headers.authorization, true);
    if (refused) return reply.code(refused.status).send({ error: refused.error });
    const { contentType, body } = await app.metrics.scrape();
    return reply.type(contentType).send(body);
  });
}
