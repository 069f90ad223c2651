import { z } from 'zod';
import { rejectsCsv } from '../../runs/rejects-csv.js';
import {
  rejectsCsvQuerySchema,
  rejectsPageSchema,
  rejectsQuerySchema,
  runsPageSchema,
  runsQuerySchema,
  syncRunSchema,
} from '../../runs/run-schemas.js';
import type { RouteDeps, ZodServer } from '../admin-server.js';
import { ADMIN_AND_DPO } from '../route-access.js';

// Any text: an id that is not a number names no run (404), as an unknown number does.
const runId = z.object({ id: z.string().max(20) });
const asRunId = (id: string) => (/^\d{1,15}$/.test(id) ? Number(id) : 0);
const problem = z.object({ error: z.string() });

/**
 * The run history and each round's rejected records (docs/console-api.md). Ids, counts, field names,
 * rules and dead-letter reasons only, so the DPO role may read them too; a dead letter's own
 * description (which a service may have written) stays behind the admin's audited view.
 */
export function runsRoutes(server: ZodServer, { app }: RouteDeps): void {
  server.get(
    '/api/runs',
    {
      config: { access: ADMIN_AND_DPO },
      schema: {
        summary:
          'Sync rounds, newest first, filtered by tenant, start time, outcome and kind; paged by cursor',
        querystring: runsQuerySchema,
        response: { 200: runsPageSchema },
      },
    },
    async (request) => app.runs.list(request.query),
  );

  // Registered before /api/runs/:id so the export is never read as a run id.
  server.get(
    '/api/runs/rejects.csv',
    {
      config: { access: ADMIN_AND_DPO },
      schema: {
        summary:
          'CSV of rejected records (run, tenant, time, side, contact id, field, rule, reason), oldest first',
        querystring: rejectsCsvQuerySchema,
        produces: ['text/csv'],
      },
    },
    async (request, reply) => {
      const rejects = await app.runs.rejectsBetween(request.query);
      const stamp = new Date(app.clock.now()).toISOString().slice(0, 10);
      const name = `koppel-rejects-${request.query.tenant ?? 'all'}-${stamp}.csv`;
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="${name}"`)
        .send(rejectsCsv(rejects));
    },
  );

  server.get(
    '/api/runs/:id',
    {
      config: { access: ADMIN_AND_DPO },
      schema: {
        summary: 'One sync round',
        params: runId,
        response: { 200: syncRunSchema, 404: problem },
      },
    },
    async (request, reply) => {
      const run = await app.runs.get(asRunId(request.params.id));
      if (!run)
        return reply.code(404).send({
          error: `no run ${request.params.id} (runs are kept ${app.config.runs.retentionDays} days)`,
        });
      return run;
    },
  );

  server.get(
    '/api/runs/:id/rejects',
    {
      config: { access: ADMIN_AND_DPO },
      schema: {
        summary: "A round's rejected records: contact id, field, rule, reason; filterable, paged by cursor",
        params: runId,
        querystring: rejectsQuerySchema,
        response: { 200: rejectsPageSchema, 404: problem },
      },
    },
    async (request, reply) => {
      const run = await app.runs.get(asRunId(request.params.id));
      if (!run)
        return reply.code(404).send({
          error: `no run ${request.params.id} (runs are kept ${app.config.runs.retentionDays} days)`,
        });
      return { run, ...(await app.runs.rejects(run.id, request.query)) };
    },
  );
}
