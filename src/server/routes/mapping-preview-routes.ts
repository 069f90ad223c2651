import { z } from 'zod';
import { parseSyncDefinition } from '../../sync/mapping/index.js';
import { previewMapping } from '../../tenants/mapping-preview.js';
import type { RouteDeps, ZodServer } from '../admin-server.js';
import { ADMIN_ONLY } from '../route-access.js';
import { answerOr400 } from './route-errors.js';

const tenantId = z.object({ id: z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'must be a tenant id') });
const problem = z.object({ error: z.string(), issues: z.array(z.string()).optional() });
const step = z.object({ sample: z.unknown(), result: z.unknown().optional(), error: z.string().optional() });
const fieldErrors = z.array(z.object({ field: z.string(), message: z.string() }));

/**
 * The mapping editor's preview: a definition (stored or not) run on one generated sample contact,
 * both ways. The sample is synthetic (src/tenants/mapping-preview.ts), so nothing real is shown and
 * the preview needs no audit entry; an invalid definition answers 400 with its field-named issues.
 */
export function mappingPreviewRoutes(server: ZodServer, { app }: RouteDeps): void {
  server.post(
    '/api/tenants/:id/mapping/preview',
    {
      config: { access: ADMIN_ONLY },
      schema: {
        summary: 'Run a definition on a synthetic sample contact, towards Mail+ and towards Dataverse',
        params: tenantId,
        body: z.object({ definition: z.unknown() }),
        response: {
          200: z.object({
            fields: z.array(
              z.object({
                dataverse: z.string(),
                mailplus: z.string(),
                direction: z.string(),
                toMailplus: step.optional(),
                toDataverse: step.optional(),
              }),
            ),
            dataverseSample: z.record(z.string(), z.unknown()),
            toMailplus: z.object({
              properties: z.record(z.string(), z.unknown()),
              permissions: z.array(z.unknown()),
              errors: fieldErrors,
            }),
            mailplusSample: z.record(z.string(), z.unknown()),
            toDataverse: z.object({ values: z.record(z.string(), z.unknown()), errors: fieldErrors }),
          }),
          400: problem,
        },
      },
    },
    async (request, reply) =>
      answerOr400(reply, async () => {
        await app.tenants.get(request.params.id);
        return previewMapping(parseSyncDefinition(request.body.definition));
      }),
  );
}
