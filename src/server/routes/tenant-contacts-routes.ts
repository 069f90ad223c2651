import { z } from 'zod';
import { contactsForDpo } from '../../tenants/tenant-contacts.js';
import type { RouteDeps, ZodServer } from '../admin-server.js';
import { ADMIN_AND_DPO, ADMIN_ONLY } from '../route-access.js';
import { answerOr400 } from './route-errors.js';

const tenantId = z.object({ id: z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'must be a tenant id') });
const problem = z.object({ error: z.string() });

/**
 * A tenant's breach-notice contacts. An admin sees and sets everything; the DPO sees the controller
 * and who is on the list in which order (names, roles, languages), not their e-mail addresses and
 * phone numbers: supervising the procedure does not need them (the call tasks of an incident show
 * the number to whoever makes the call).
 */
export function tenantContactsRoutes(server: ZodServer, { app, audit }: RouteDeps): void {
  server.get(
    '/api/tenants/:id/contacts',
    {
      config: { access: ADMIN_AND_DPO },
      schema: {
        summary:
          "The tenant's controller details and breach-notice contacts (the DPO: without e-mail and phone)",
        params: tenantId,
        response: { 200: z.object({ tenant: z.string(), contacts: z.unknown() }), 400: problem },
      },
    },
    async (request, reply) =>
      answerOr400(reply, async () => {
        const found = await app.tenantContacts.get(request.params.id);
        const shown = found && request.session?.role !== 'admin' ? contactsForDpo(found) : found;
        return { tenant: request.params.id, contacts: shown };
      }),
  );

  server.put(
    '/api/tenants/:id/contacts',
    {
      config: { access: ADMIN_ONLY },
      schema: {
        summary:
          'Validate and store the controller details and breach-notice contacts (docs/notifications.md)',
        params: tenantId,
        body: z.unknown(),
        response: { 200: z.object({ tenant: z.string(), contacts: z.number() }), 400: problem },
      },
    },
    async (request, reply) =>
      answerOr400(reply, async () => {
        const target = request.params.id;
        try {
          const stored = await app.tenantContacts.set(target, request.body);
          await audit(request, {
            action: 'tenant.contacts.set',
            target,
            result: 'ok',
            detail: { contacts: stored.contacts.length },
          });
          return { tenant: target, contacts: stored.contacts.length };
        } catch (error) {
          await audit(request, { action: 'tenant.contacts.set', target, result: 'failed' });
          throw error;
        }
      }),
  );
}
