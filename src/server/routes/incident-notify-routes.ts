import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { Actor } from '../../incidents/incident-model.js';
import { CALL_OUTCOMES, type PhoneTask, withoutPersonalData } from '../../incidents/phone-tasks.js';
import { loose, type RouteDeps, type ZodServer } from '../admin-server.js';
import { ADMIN_AND_DPO } from '../route-access.js';
import { answerOr400 } from './route-errors.js';

const incidentId = z.object({ id: z.string().min(1).max(100) });
const tenant = z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'must be a tenant id');
const problem = z.object({ error: z.string() });
const anyObject = z.looseObject({});

function actorOf(request: FastifyRequest): Actor {
  const session = request.session!;
  return { actor: session.username, role: session.role, address: request.ip };
}

/** The DPO sees a phone task by the contact's position and role, never the name or the number. */
function forRole(request: FastifyRequest, task: PhoneTask): PhoneTask {
  return request.session?.role === 'admin' ? task : withoutPersonalData(task);
}

/**
 * Informing customers about an incident: what `koppel incidents notify | ack | calls | call | update`
 * do. The DPO may do all of it: informing the controllers is the procedure the DPO supervises, and
 * may have to run it when no administrator is there.
 */
export function incidentNotifyRoutes(server: ZodServer, { app, audit }: RouteDeps): void {
  server.post(
    '/api/incidents/:id/notify',
    {
      config: { access: ADMIN_AND_DPO },
      schema: {
        summary: 'Inform every affected customer: notice e-mails with acknowledgement codes and phone tasks',
        params: incidentId,
        response: { 200: anyObject, 400: problem, 404: problem },
      },
    },
    async (request, reply) =>
      answerOr400(reply, async () => {
        const result = await app.escalation.notify(request.params.id, actorOf(request));
        const count = (s: string) => result.tenants.filter((t) => t.status === s).length;
        await audit(request, {
          action: 'incident.notify',
          target: request.params.id,
          result: count('failed') > 0 ? 'failed' : 'ok',
          detail: { notified: count('notified'), noContacts: count('no-contacts'), failed: count('failed') },
        });
        return loose(result);
      }),
  );

  server.post(
    '/api/incidents/:id/ack',
    {
      config: { access: ADMIN_AND_DPO },
      schema: {
        summary: "Record a customer's acknowledgement with the code from its notice e-mail",
        params: incidentId,
        body: z.object({ tenant, code: z.string().min(4).max(40) }),
        response: { 200: anyObject, 400: problem, 404: problem },
      },
    },
    async (request, reply) =>
      answerOr400(reply, async () => {
        const { tenant: tenantId, code } = request.body;
        try {
          const result = await app.escalation.acknowledge(
            request.params.id,
            tenantId,
            code,
            actorOf(request),
          );
          await audit(request, {
            action: 'incident.ack',
            target: request.params.id,
            result: 'ok',
            detail: { tenant: tenantId },
          });
          return loose(result);
        } catch (error) {
          await audit(request, {
            action: 'incident.ack',
            target: request.params.id,
            result: 'refused',
            detail: { tenant: tenantId },
          });
          throw error;
        }
      }),
  );

  server.get(
    '/api/incidents/:id/calls',
    {
      config: { access: ADMIN_AND_DPO },
      schema: {
        summary: 'The phone tasks: who to call, the number, the script, the recorded outcome',
        params: incidentId,
        response: {
          200: z.object({ incidentId: z.string(), tasks: z.array(anyObject) }),
          400: problem,
          404: problem,
        },
      },
    },
    async (request, reply) =>
      answerOr400(reply, async () => ({
        incidentId: request.params.id,
        tasks: (await app.escalation.calls(request.params.id)).map((task) => loose(forRole(request, task))),
      })),
  );

  server.post(
    '/api/incidents/:id/calls',
    {
      config: { access: ADMIN_AND_DPO },
      schema: {
        summary: "Record a phone call's outcome; reached acknowledges for the customer",
        params: incidentId,
        body: z.object({
          tenant,
          contact: z.number().int().min(1).max(10),
          outcome: z.enum(CALL_OUTCOMES as [string, ...string[]]),
          note: z.string().max(500).optional(),
        }),
        response: { 200: anyObject, 400: problem, 404: problem },
      },
    },
    async (request, reply) =>
      answerOr400(reply, async () => {
        const { tenant: tenantId, contact, outcome, note } = request.body;
        const result = await app.escalation.recordCall(
          request.params.id,
          tenantId,
          contact,
          outcome as (typeof CALL_OUTCOMES)[number],
          note,
          actorOf(request),
        );
        await audit(request, {
          action: 'incident.call',
          target: request.params.id,
          result: 'ok',
          detail: { tenant: tenantId, contact, outcome },
        });
        return loose({ ...result, task: forRole(request, result.task) });
      }),
  );

  server.post(
    '/api/incidents/:id/updates',
    {
      config: { access: ADMIN_AND_DPO },
      schema: {
        summary: 'Send a numbered follow-up notice to each customer contact who acknowledged',
        params: incidentId,
        body: z.object({ message: z.string().min(1).max(10_000) }),
        response: {
          200: z.object({ incidentId: z.string(), tenants: z.array(anyObject) }),
          400: problem,
          404: problem,
        },
      },
    },
    async (request, reply) =>
      answerOr400(reply, async () => {
        const results = await app.escalation.followUp(
          request.params.id,
          request.body.message,
          actorOf(request),
        );
        await audit(request, {
          action: 'incident.update',
          target: request.params.id,
          result: 'ok',
          detail: { sent: results.filter((r) => r.status === 'sent').length, tenants: results.length },
        });
        return { incidentId: request.params.id, tenants: results.map(loose) };
      }),
  );
}
