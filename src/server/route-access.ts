import type { AdminRole } from '../admin/admin-store.js';
import type { Session } from '../admin/session-store.js';

/**
 * Who may call a route, set as each route's `config`. `public` routes need no session (health, login,
 * the API description); every other route names the roles that may call it. No default: a route
 * without an access rule is refused at start (see admin-server.ts), so none is open by mistake.
 */
export type RouteAccess = { public: true } | { roles: readonly AdminRole[] };

export const ADMIN_ONLY: RouteAccess = { roles: ['admin'] };
/** What the DPO may see: incidents, the register, the audit log; never personal data or secrets. */
export const ADMIN_AND_DPO: RouteAccess = { roles: ['admin', 'dpo'] };
export const PUBLIC: RouteAccess = { public: true };

declare module 'fastify' {
  interface FastifyRequest {
    session?: Session;
  }
  interface FastifyContextConfig {
    access?: RouteAccess;
  }
}
