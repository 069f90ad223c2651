import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { statusReport } from '../../status/status-report.js';
import { loose, type RouteDeps, type ZodServer } from '../admin-server.js';
import { ADMIN_ONLY } from '../route-access.js';

const VERSION = (
  JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string }
).version;

const MAX_LIST = 1_000;
const deadLetterItem = z.object({
  seq: z.number(),
  tenantId: z.string(),
  queue: z.string(),
  messageId: z.string(),
  key: z.string().nullable(),
  reason: z.string(),
  deliveryCount: z.number(),
  enqueuedAt: z.number(),
  deadLetteredAt: z.number(),
});
const selection = z.union([
  z.object({ ids: z.array(z.number().int().positive()).min(1).max(10_000) }),
  z.object({ all: z.literal(true) }),
]);

/** Status, queue figures and dead letters: what `koppel queue stats` and `koppel dlq` show. */
export function queueRoutes(server: ZodServer, { app, engine, audit }: RouteDeps): void {
  server.get(
    '/api/status',
    {
      config: { access: ADMIN_ONLY },
      // The report the status API gave: ids, counts and times per tenant (docs/status-api.md).
      schema: {
        summary: 'Sync, queue and retention status per tenant',
        response: { 200: z.looseObject({}) },
      },
    },
    async () => loose(await statusReport(app, engine, VERSION, app.clock.now())),
  );

  server.get(
    '/api/queue/stats',
    {
      config: { access: ADMIN_ONLY },
      schema: {
        summary: 'Messages waiting, in flight and dead-lettered per tenant and queue',
        response: {
          200: z.array(
            z.object({
              tenantId: z.string(),
              queue: z.string(),
              ready: z.number(),
              scheduled: z.number(),
              inFlight: z.number(),
              dead: z.number(),
              oldestEnqueuedAt: z.number().nullable(),
            }),
          ),
        },
      },
    },
    async () => app.queue.stats(),
  );

  server.get(
    '/api/dead-letters',
    {
      config: { access: ADMIN_ONLY },
      schema: {
        summary: 'Dead letters, oldest first, without payloads or descriptions',
        querystring: z.object({
          tenant: z.string().max(64).optional(),
          queue: z.string().max(64).optional(),
          limit: z.coerce.number().int().min(1).max(MAX_LIST).default(100),
        }),
        response: { 200: z.array(deadLetterItem) },
      },
    },
    async (request) => {
      const { tenant, queue, limit } = request.query;
      const letters = await app.queue.listDeadLetters({ tenantId: tenant, queue, limit });
      // A description is written by the remote system and may quote a value: only the view shows it.
      return letters.map(({ description: _d, payloadBytes: _p, ...rest }) => rest);
    },
  );

  server.get(
    '/api/dead-letters/:seq',
    {
      config: { access: ADMIN_ONLY },
      schema: {
        summary: 'One dead letter with the remote error description (an audited view)',
        params: z.object({ seq: z.coerce.number().int().positive() }),
        response: {
          200: deadLetterItem.extend({ description: z.string().nullable(), payloadBytes: z.number() }),
          404: z.object({ error: z.string() }),
        },
      },
    },
    async (request, reply) => {
      const letter = await app.queue.getDeadLetter(request.params.seq);
      await audit(request, {
        action: 'dlq.view',
        target: String(request.params.seq),
        result: letter ? 'ok' : 'failed',
        detail: { tenant: letter?.tenantId ?? null },
      });
      if (!letter) return reply.code(404).send({ error: 'no such dead letter' });
      return letter;
    },
  );

  server.get(
    '/api/dead-letters/:seq/payload',
    {
      config: { access: ADMIN_ONLY },
      schema: {
        summary: 'The decrypted contents of one dead letter (personal data: each view is audited)',
        params: z.object({ seq: z.coerce.number().int().positive() }),
        response: {
          200: z.object({ seq: z.number(), payload: z.unknown() }),
          404: z.object({ error: z.string() }),
        },
      },
    },
    async (request, reply) => {
      const { seq } = request.params;
      let found: { payload: unknown } | undefined;
      try {
        found = await app.queue.readDeadLetterPayload(seq);
      } catch (error) {
        // A view that failed (a destroyed key, an altered row) is on record too.
        await audit(request, { action: 'dlq.view-payload', target: String(seq), result: 'failed' });
        throw error;
      }
      await audit(request, {
        action: 'dlq.view-payload',
        target: String(seq),
        result: found ? 'ok' : 'failed',
      });
      if (!found) return reply.code(404).send({ error: 'no such dead letter' });
      return { seq, payload: found.payload };
    },
  );

  for (const action of ['replay', 'purge'] as const) {
    server.post(
      `/api/dead-letters/${action}`,
      {
        config: { access: ADMIN_ONLY },
        schema: {
          summary:
            action === 'replay'
              ? 'Put dead letters back on their queue with a fresh delivery count'
              : 'Delete dead letters now, with their encrypted payloads',
          body: selection,
          response: { 200: z.object({ count: z.number() }) },
        },
      },
      async (request) => {
        const body = request.body;
        let count: number;
        if (action === 'replay') {
          const seqs =
            'all' in body
              ? (await app.queue.listDeadLetters({ limit: 1_000_000 })).map((d) => d.seq)
              : body.ids;
          count = await app.queue.replayDeadLetters(seqs);
        } else {
          count = await app.queue.purgeDeadLetters('all' in body ? 'all' : body.ids);
        }
        await audit(request, {
          action: `dlq.${action}`,
          target: 'all' in body ? 'all' : body.ids.slice(0, 50).join(','),
          result: 'ok',
          detail: { count },
        });
        return { count };
      },
    );
  }
}
