import { z } from 'zod';
import { deadlineColour, worstColour } from '../../incidents/deadline-colour.js';
import { incidentSummary } from '../../incidents/derive-incident.js';
import { clocksJson } from '../../incidents/incident-clocks.js';
import type { Incident } from '../../incidents/incident-model.js';
import { IncidentNotFoundError } from '../../incidents/incident-register.js';
import { tenantProgress } from '../../incidents/tenant-progress.js';
import type { RouteDeps, ZodServer } from '../admin-server.js';
import { ADMIN_AND_DPO } from '../route-access.js';

const COLOURS = ['green', 'amber', 'red', 'overdue', 'met'] as const;
const deadline = z.object({
  name: z.string(),
  tenantId: z.string().optional(),
  state: z.enum(['open', 'met', 'missed']),
  from: z.number(),
  due: z.number(),
  dueDisplay: z.string(),
  leftMs: z.number(),
  colour: z.enum(COLOURS),
});
const problem = z.object({ error: z.string() });
const clocksResponse = z.object({
  sinceDetection: z.string(),
  deadlines: z.array(deadline),
  colour: z.enum(COLOURS).nullable(),
});

/**
 * What the console's incident pages need beside the register's own routes: every incident with its
 * clocks and their colour code (one call for the register page), and per affected customer where the
 * informing stands (contact positions, counts and times; never a name or an address).
 */
export function incidentBoardRoutes(server: ZodServer, { app }: RouteDeps): void {
  const fractions = app.config.incidents.reminderFractions;
  const found = async (id: string): Promise<Incident | null> => {
    try {
      return await app.incidents.get(id);
    } catch (error) {
      if (error instanceof IncidentNotFoundError) return null;
      throw error;
    }
  };
  const colouredClocks = async (incident: Incident, lang: 'nl' | 'en') => {
    const clocks = clocksJson(await app.incidents.clocks(incident), lang);
    const deadlines = clocks.deadlines.map((d) => ({
      name: d.name,
      ...(d.tenantId === undefined ? {} : { tenantId: d.tenantId }),
      state: d.state,
      from: d.from,
      due: d.due,
      dueDisplay: d.dueDisplay,
      leftMs: d.leftMs,
      colour: deadlineColour(d, clocks.now, fractions),
    }));
    return {
      sinceDetection: clocks.sinceDetection,
      deadlines,
      colour: worstColour(deadlines.map((d) => d.colour)),
    };
  };

  server.get(
    '/api/incidents/board',
    {
      config: { access: ADMIN_AND_DPO },
      schema: {
        summary: 'Every incident with its deadlines colour-coded (green, amber, red, overdue, met)',
        querystring: z.object({
          open: z.enum(['true', 'false']).optional(),
          lang: z.enum(['nl', 'en']).default('nl'),
        }),
        response: {
          200: z.object({
            now: z.number(),
            incidents: z.array(
              z
                .object({
                  id: z.string(),
                  title: z.string(),
                  state: z.string(),
                  tenants: z.array(z.string()),
                  reportedAt: z.number(),
                  awareAt: z.number().nullable(),
                  closedAt: z.number().nullable(),
                })
                .extend(clocksResponse.shape),
            ),
          }),
        },
      },
    },
    async (request) => {
      const incidents = await app.incidents.list({ open: request.query.open === 'true' });
      const rows = [];
      for (const incident of incidents)
        rows.push({ ...incidentSummary(incident), ...(await colouredClocks(incident, request.query.lang)) });
      return { now: app.clock.now(), incidents: rows };
    },
  );

  server.get(
    '/api/incidents/:id/clocks',
    {
      config: { access: ADMIN_AND_DPO },
      schema: {
        summary: "One incident's deadlines colour-coded (green, amber, red, overdue, met)",
        params: z.object({ id: z.string().min(1).max(80) }),
        querystring: z.object({ lang: z.enum(['nl', 'en']).default('nl') }),
        response: { 200: clocksResponse, 404: problem },
      },
    },
    async (request, reply) => {
      const incident = await found(request.params.id);
      if (!incident) return reply.code(404).send({ error: `no incident "${request.params.id}"` });
      return colouredClocks(incident, request.query.lang);
    },
  );

  server.get(
    '/api/incidents/:id/progress',
    {
      config: { access: ADMIN_AND_DPO },
      schema: {
        summary: 'Per affected customer: contacts tried (by position), acknowledgement, alerts, follow-ups',
        params: z.object({ id: z.string().min(1).max(80) }),
        response: {
          200: z.object({
            incidentId: z.string(),
            tenants: z.array(
              z.object({
                tenantId: z.string(),
                status: z.enum(['not-started', 'waiting', 'acknowledged', 'no-contacts']),
                emails: z.number(),
                lastContact: z.number().nullable(),
                lastEmailAt: z.number().nullable(),
                round: z.number(),
                acknowledged: z
                  .object({ at: z.number(), contact: z.number(), via: z.enum(['code', 'phone']) })
                  .nullable(),
                alerts: z.number(),
                followUps: z.number(),
              }),
            ),
          }),
          404: problem,
        },
      },
    },
    async (request, reply) => {
      const incident = await found(request.params.id);
      if (!incident) return reply.code(404).send({ error: `no incident "${request.params.id}"` });
      return {
        incidentId: incident.id,
        tenants: incident.tenants.map((tenantId) => {
          const p = tenantProgress(incident, tenantId);
          const last = p.emails.at(-1);
          const status = p.acknowledged
            ? 'acknowledged'
            : last
              ? 'waiting'
              : p.alerts.some((a) => a.reason === 'no-contacts')
                ? 'no-contacts'
                : 'not-started';
          return {
            tenantId,
            status,
            emails: p.emails.length,
            lastContact: last ? last.contactIndex + 1 : null,
            lastEmailAt: last?.at ?? null,
            round: last?.round ?? 0,
            acknowledged: p.acknowledged
              ? { at: p.acknowledged.at, contact: p.acknowledged.contactIndex + 1, via: p.acknowledged.via }
              : null,
            alerts: p.alerts.length,
            followUps: p.followUps,
          } as const;
        }),
      };
    },
  );
}
