import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import { incidentSummary } from '../../incidents/derive-incident.js';
import { EvidenceError } from '../../incidents/evidence-store.js';
import { clocksJson } from '../../incidents/incident-clocks.js';
import { type Actor, INCIDENT_STATES } from '../../incidents/incident-model.js';
import { IncidentInputError, IncidentNotFoundError } from '../../incidents/incident-register.js';
import { WorkflowError } from '../../incidents/workflow.js';
import { loose, type RouteDeps, type ZodServer } from '../admin-server.js';
import { ADMIN_AND_DPO } from '../route-access.js';

const incidentId = z.object({ id: z.string().min(1).max(40) });
const problem = z.object({ error: z.string(), code: z.string().optional() });
const textBody = z.object({ text: z.string().max(10_000) });
const moment = z.iso.datetime({ offset: true, message: 'must be an ISO 8601 time with its zone' });
const summary = z.object({
  id: z.string(),
  title: z.string(),
  state: z.string(),
  tenants: z.array(z.string()),
  reportedAt: z.number(),
  awareAt: z.number().nullable(),
  closedAt: z.number().nullable(),
});

/** Who acts: the signed-in account (admin or dpo), from the client's address. */
function actorOf(request: FastifyRequest): Actor {
  const session = request.session;
  if (!session) throw new Error('no session');
  return { actor: session.username, role: session.role, address: request.ip };
}

/** The register's refusals are the answer (400 bad input, 404 unknown, 409 the workflow says no). */
async function answer<T>(reply: { code(n: number): { send(b: unknown): unknown } }, fn: () => Promise<T>) {
  try {
    return await fn();
  } catch (error) {
    if (error instanceof IncidentNotFoundError)
      return reply.code(404).send({ error: error.message }) as never;
    if (error instanceof WorkflowError)
      return reply.code(409).send({ error: error.message, code: error.code }) as never;
    if (error instanceof IncidentInputError || error instanceof EvidenceError)
      return reply.code(400).send({ error: error.message }) as never;
    throw error;
  }
}

/**
 * The breach register over the admin API, for admins and the DPO (the DPO sees everything here).
 * The register audits every change itself, with the account and address given here.
 */
export function incidentRoutes(server: ZodServer, { app }: RouteDeps): void {
  const config = { access: ADMIN_AND_DPO };

  server.get(
    '/api/incidents',
    {
      config,
      schema: {
        summary: 'The incidents in the register',
        querystring: z.object({
          open: z.enum(['true', 'false']).optional(),
          state: z.enum(INCIDENT_STATES).optional(),
        }),
        response: { 200: z.object({ incidents: z.array(summary) }) },
      },
    },
    async (request) => ({
      incidents: (
        await app.incidents.list({ open: request.query.open === 'true', state: request.query.state })
      ).map(incidentSummary),
    }),
  );

  server.get(
    '/api/incidents/:id',
    {
      config,
      schema: {
        summary: 'One incident: derived state, clocks (UTC and Amsterdam time) and timeline',
        params: incidentId,
        querystring: z.object({ lang: z.enum(['nl', 'en']).default('nl') }),
        response: { 200: z.looseObject({ id: z.string(), state: z.string() }), 404: problem },
      },
    },
    async (request, reply) =>
      answer(reply, async () => {
        const incident = await app.incidents.get(request.params.id);
        const clocks = clocksJson(await app.incidents.clocks(incident), request.query.lang);
        const { events: _events, ...rest } = incident;
        return loose({ ...rest, clocks });
      }),
  );

  server.post(
    '/api/incidents',
    {
      config,
      schema: {
        summary: 'Register an incident or a suspicion; the DPO is e-mailed at once',
        body: z.object({
          title: z.string().max(200),
          summary: z.string().max(10_000).optional(),
          tenants: z.array(z.string().max(64)).max(500).default([]),
          detectedAt: moment.optional(),
          operatorIsController: z.boolean().default(false),
        }),
        response: {
          201: z.object({
            id: z.string(),
            state: z.string(),
            dpoNotified: z.boolean(),
            dpoNotifiedWhy: z.string().optional(),
          }),
          400: problem,
        },
      },
    },
    async (request, reply) =>
      answer(reply, async () => {
        const body = request.body;
        const reported = await app.incidents.report(
          {
            title: body.title,
            summary: body.summary,
            tenants: body.tenants,
            detectedAt: body.detectedAt ? Date.parse(body.detectedAt) : undefined,
            operatorIsController: body.operatorIsController,
          },
          actorOf(request),
        );
        return reply.code(201).send({
          id: reported.id,
          state: reported.state,
          dpoNotified: reported.dpoNotified,
          ...(reported.dpoNotifiedWhy ? { dpoNotifiedWhy: reported.dpoNotifiedWhy } : {}),
        });
      }),
  );

  server.post(
    '/api/incidents/:id/advance',
    {
      config,
      schema: {
        summary: 'The next step of the workflow; refused (409) with the reason when not allowed',
        params: incidentId,
        body: z.object({
          to: z.enum(INCIDENT_STATES),
          reason: z.string().max(10_000),
          awareAt: moment.optional(),
          delayReason: z.string().max(10_000).optional(),
        }),
        response: { 200: summary, 400: problem, 404: problem, 409: problem },
      },
    },
    async (request, reply) =>
      answer(reply, async () => {
        const { to, reason, awareAt, delayReason } = request.body;
        const incident = await app.incidents.advance(
          request.params.id,
          to,
          { reason, awareAt: awareAt ? Date.parse(awareAt) : undefined, delayReason },
          actorOf(request),
        );
        return incidentSummary(incident);
      }),
  );

  const appendRoute = (
    path: string,
    description: string,
    body: z.ZodType<{ text: string; kind?: 'taken' | 'planned' }>,
    toEvent: (b: { text: string; kind?: 'taken' | 'planned' }) => Parameters<typeof app.incidents.append>[1],
  ) =>
    server.post(
      `/api/incidents/:id/${path}`,
      {
        config,
        schema: {
          summary: description,
          params: incidentId,
          body,
          response: { 200: summary, 400: problem, 404: problem, 409: problem },
        },
      },
      async (request, reply) =>
        answer(reply, async () =>
          incidentSummary(
            await app.incidents.append(request.params.id, toEvent(request.body), actorOf(request)),
          ),
        ),
    );

  appendRoute('notes', 'Add a note to the history', textBody, (b) => ({ type: 'note', text: b.text }));
  appendRoute(
    'measures',
    'Record a measure taken or planned',
    textBody.extend({ kind: z.enum(['taken', 'planned']) }),
    (b) => ({ type: 'measure', kind: b.kind ?? 'taken', text: b.text }),
  );
  appendRoute('effects', 'Record the effects as known now', textBody, (b) => ({
    type: 'edited',
    effects: b.text,
  }));
  appendRoute('lessons', 'Record the lessons learned (needed before closing)', textBody, (b) => ({
    type: 'lessons-learned',
    text: b.text,
  }));

  const maxBytes = app.config.incidents.evidenceMaxBytes;
  server.post(
    '/api/incidents/:id/evidence',
    {
      config,
      // Base64 is 4/3 of the bytes, plus the name and the JSON around it.
      bodyLimit: Math.ceil((maxBytes * 4) / 3) + 4096,
      schema: {
        summary: `Store an evidence file (base64, at most ${maxBytes} bytes), sealed; listed by name and SHA-256`,
        params: incidentId,
        body: z.object({ name: z.string().min(1).max(200), contentBase64: z.base64() }),
        response: {
          201: z.object({ id: z.string(), name: z.string(), bytes: z.number(), sha256: z.string() }),
          400: problem,
          404: problem,
          409: problem,
        },
      },
    },
    async (request, reply) =>
      answer(reply, async () => {
        const content = Buffer.from(request.body.contentBase64, 'base64');
        const ref = await app.incidents.evidence.add(
          request.params.id,
          request.body.name,
          content,
          actorOf(request),
        );
        return reply.code(201).send({ id: ref.id, name: ref.name, bytes: ref.bytes, sha256: ref.sha256 });
      }),
  );

  server.get(
    '/api/incidents/:id/evidence',
    {
      config,
      schema: {
        summary: 'The evidence files of an incident, by name, size and SHA-256',
        params: incidentId,
        response: {
          200: z.object({
            evidence: z.array(
              z.object({
                id: z.string(),
                name: z.string(),
                bytes: z.number(),
                sha256: z.string(),
                addedAt: z.number(),
                addedBy: z.string(),
              }),
            ),
          }),
          404: problem,
        },
      },
    },
    async (request, reply) =>
      answer(reply, async () => ({ evidence: await app.incidents.evidence.list(request.params.id) })),
  );
}
