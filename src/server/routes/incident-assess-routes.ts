import { z } from 'zod';
import { assess } from '../../incidents/assess.js';
import { InvalidFactsError, parseFacts } from '../../incidents/facts-issues.js';
import { incidentFactsSchema, SEVERITY_LEVELS } from '../../incidents/facts-schema.js';
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

export function incidentAssessRoutes(server: ZodServer, _deps: RouteDeps): void {
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
}
