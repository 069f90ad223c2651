import { z } from 'zod';
import {
  certificateMarkdown,
  type DeletionCertificate,
  MAX_DELETE_AFTER_DAYS,
  terminateTenant,
} from '../../tenants/offboarding.js';
import type { RouteDeps, ZodServer } from '../admin-server.js';
import { ADMIN_AND_DPO, ADMIN_ONLY } from '../route-access.js';
import { answerOr400 } from './route-errors.js';

const tenantId = z.object({ id: z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'must be a tenant id') });
const problem = z.object({ error: z.string() });
const certificate = z.looseObject({ kind: z.string(), sha256: z.string() });

/**
 * Ending a customer's contract from the console, as `koppel tenant terminate` does: the keys are
 * destroyed at once, the rows deleted now (or within 30 days) and the deletion certificate issued.
 * The body must repeat the tenant id, so a wrong click or a wrong tab cannot terminate anything.
 */
export function tenantTerminateRoutes(server: ZodServer, { app, audit }: RouteDeps): void {
  server.post(
    '/api/tenants/:id/terminate',
    {
      config: { access: ADMIN_ONLY },
      schema: {
        summary: 'Terminate a tenant (keys destroyed, data deleted) and return its deletion certificate',
        params: tenantId,
        body: z.object({
          confirm: z.string().max(64),
          deleteAfterDays: z.number().int().min(0).max(MAX_DELETE_AFTER_DAYS).default(0),
        }),
        response: {
          200: z.object({
            tenant: z.string(),
            deletionDueAt: z.number(),
            resumed: z.boolean(),
            certificate: certificate.nullable(),
          }),
          400: problem,
        },
      },
    },
    async (request, reply) =>
      answerOr400(reply, async () => {
        const id = request.params.id;
        const { confirm, deleteAfterDays } = request.body;
        if (confirm !== id) {
          await audit(request, { action: 'tenant.terminate', target: id, result: 'refused' });
          return reply
            .code(400)
            .send({ error: `confirm: type the tenant id "${id}" to terminate it` }) as never;
        }
        let result: Awaited<ReturnType<typeof terminateTenant>>;
        try {
          result = await terminateTenant(app, id, deleteAfterDays);
        } catch (error) {
          await audit(request, { action: 'tenant.terminate', target: id, result: 'failed' });
          throw error;
        }
        await audit(request, {
          action: 'tenant.terminate',
          target: id,
          result: 'ok',
          detail: { deleteAfterDays, deleted: Boolean(result.issued) },
        });
        return {
          tenant: id,
          deletionDueAt: result.deletionDueAt,
          resumed: result.resumed,
          certificate: result.issued ? { ...result.issued.certificate, sha256: result.issued.sha256 } : null,
        };
      }),
  );

  server.get(
    '/api/tenants/:id/certificate',
    {
      config: { access: ADMIN_AND_DPO },
      schema: {
        summary:
          "The tenant's latest deletion certificate, as JSON or (format=md) Markdown, for download; ids and counts only",
        params: tenantId,
        querystring: z.object({ format: z.enum(['json', 'md']).default('json') }),
        response: { 404: problem },
      },
    },
    async (request, reply) => {
      const id = request.params.id;
      const row = await app.store.db
        .selectFrom('deletion_certificates')
        .select(['certificate', 'sha256'])
        .where('tenant_id', '=', id)
        .orderBy('id', 'desc')
        .limit(1)
        .executeTakeFirst();
      if (!row) return reply.code(404).send({ error: `tenant ${id} has no deletion certificate` });
      const issued = { certificate: JSON.parse(row.certificate) as DeletionCertificate, sha256: row.sha256 };
      const md = request.query.format === 'md';
      return (
        reply
          .type(md ? 'text/markdown; charset=utf-8' : 'application/json; charset=utf-8')
          .header(
            'content-disposition',
            `attachment; filename="deletion-certificate-${id}.${md ? 'md' : 'json'}"`,
          )
          // A document, not an API object: sent as text, without a response schema.
          .send(
            (md
              ? certificateMarkdown(issued)
              : `${JSON.stringify({ ...issued.certificate, sha256: issued.sha256 }, null, 2)}\n`) as never,
          )
      );
    },
  );
}
