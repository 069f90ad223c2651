import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import { assess } from '../../incidents/assess.js';
import { DecisionError, recordAssessment, recordDecision } from '../../incidents/assessment-records.js';
import { InvalidFactsError, parseFacts } from '../../incidents/facts-issues.js';
import { incidentFactsSchema, SEVERITY_LEVELS } from '../../incidents/facts-schema.js';
import type { Actor } from '../../incidents/incident-model.js';
import { IncidentInputError, IncidentNotFoundError } from '../../incidents/incident-register.js';
import { WorkflowError } from '../../incidents/workflow.js';
import type { RouteDeps, ZodServer } from '../admin-server.js';
import { ADMIN_AND_DPO } from '../route-access.js';

const reason = z.object({ code: z.string(), nl: z.string(), en: z.string() });
export const assessmentResponse = z.object({
  severity: z.object({ score: z.number(), level: z.enum(SEVERITY_LEVELS) }),
  notifyAuthority: z.boolean(),
  notifyDataSubjects: z.boolean(),
  reasons: z.array(reason),
  enisa: z.object({ method: z.string(), dpc: z.number(), ei: z.number(), cb: z.number() }).optional(),
});
const problem = z.object({ error: z.string(), issues: z.array(z.string()).optional() });

/**
 * The facts in a body, checked by our own parser even when the route's schema already failed them
 * (attachValidation): its messages name each field and rule (`people.count: must be a whole number`,
 * `people: must be {count} or {min, max}`), where the generic ones would say "Invalid input".
 */
export function factsFromBody(body: unknown): ReturnType<typeof parseFacts> | { issues: readonly string[] } {
  try {
    return parseFacts(body);
  } catch (error) {
    if (error instanceof InvalidFactsError) return { issues: error.issues };
    throw error;
  }
}

export function incidentAssessRoutes(server: ZodServer, { app }: RouteDeps): void {
  server.post(
    '/api/incidents/assess',
    {
      config: { access: ADMIN_AND_DPO },
      attachValidation: true,
      schema: {
        summary:
          'The risk assessment of breach facts (docs/incident-facts.schema.json): ENISA severity, EDPB criteria, recommendation; stores nothing',
        body: incidentFactsSchema,
        response: { 200: assessmentResponse, 400: problem },
      },
    },
    async (request, reply) => {
      const facts = factsFromBody(request.body);
      if ('issues' in facts)
        return reply.code(400).send({ error: 'invalid incident facts', issues: [...facts.issues] });
      return assess(facts);
    },
  );

  server.post(
    '/api/incidents/:id/facts',
    {
      config: { access: ADMIN_AND_DPO },
      attachValidation: true,
      schema: {
        summary:
          'Record the facts of an incident and the assessment made from them (events facts-recorded, assessed)',
        params: incidentId,
        body: incidentFactsSchema,
        response: { 200: assessmentResponse, 400: problem, 404: problem, 409: problem },
      },
    },
    async (request, reply) => {
      const facts = factsFromBody(request.body);
      if ('issues' in facts)
        return reply.code(400).send({ error: 'invalid incident facts', issues: [...facts.issues] });
      return orProblem(reply, async () => {
        const { assessment } = await recordAssessment(
          app.incidents,
          request.params.id,
          facts,
          actorOf(request),
        );
        return assessment;
      });
    },
  );

  server.post(
    '/api/incidents/:id/decision',
    {
      config: { access: ADMIN_AND_DPO },
      schema: {
        summary:
          "The DPO's decision on notifying the AP and the people, recorded beside the recommendation; reason required when it differs",
        params: incidentId,
        body: z.strictObject({
          notifyAuthority: z.boolean(),
          notifyDataSubjects: z.boolean(),
          reason: z.string().max(4000).optional(),
        }),
        response: {
          200: z.object({
            id: z.string(),
            notifyAuthority: z.boolean(),
            notifyDataSubjects: z.boolean(),
            followsRecommendation: z.boolean(),
          }),
          400: problem,
          404: problem,
          409: problem,
        },
      },
    },
    async (request, reply) =>
      orProblem(reply, async () => {
        const { id } = request.params;
        const { followsRecommendation } = await recordDecision(
          app.incidents,
          id,
          request.body,
          actorOf(request),
        );
        const { notifyAuthority, notifyDataSubjects } = request.body;
        return { id, notifyAuthority, notifyDataSubjects, followsRecommendation };
      }),
  );
}

const incidentId = z.object({ id: z.string().min(1).max(80) });

function actorOf(request: FastifyRequest): Actor {
  const session = request.session;
  return { actor: session?.username ?? '-', role: session?.role ?? 'admin', address: request.ip };
}

/** Our own refusals are the answer (they name what is wrong and hold no personal data). */
async function orProblem<T>(reply: { code(n: number): { send(b: unknown): unknown } }, fn: () => Promise<T>) {
  try {
    return await fn();
  } catch (error) {
    if (error instanceof IncidentNotFoundError)
      return reply.code(404).send({ error: error.message }) as never;
    if (error instanceof WorkflowError) return reply.code(409).send({ error: error.message }) as never;
    if (error instanceof DecisionError || error instanceof IncidentInputError)
      return reply.code(400).send({ error: error.message }) as never;
    throw error;
  }
}
