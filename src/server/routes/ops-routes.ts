import { z } from 'zod';
import { defaultChecks } from '../../doctor/default-checks.js';
import { runDoctor } from '../../doctor/doctor.js';
import { openDoctorContext } from '../../doctor/doctor-context.js';
import { readKeyStatus } from '../../keys/key-status.js';
import { buildRegister } from '../../register/build-register.js';
import { DOCUMENTS, exportRegister, FORMATS } from '../../register/export-register.js';
import { LANGUAGES } from '../../register/texts.js';
import { loose, type RouteDeps, type ZodServer } from '../admin-server.js';
import { ADMIN_AND_DPO, ADMIN_ONLY } from '../route-access.js';

const auditEntry = z.object({
  seq: z.number(),
  at: z.number(),
  actor: z.string(),
  address: z.string(),
  action: z.string(),
  target: z.string().nullable(),
  result: z.string(),
  detail: z.record(z.string(), z.unknown()),
  prevHash: z.string(),
  hash: z.string(),
});

/** The register, retention, doctor, keys and the audit log: what the CLI commands of those names show. */
export function opsRoutes(server: ZodServer, { app, audit }: RouteDeps): void {
  server.get(
    '/api/register',
    {
      config: { access: ADMIN_AND_DPO },
      schema: {
        summary: 'The Art. 30(2) register and the Data Pro Statement from the live configuration',
        querystring: z.object({
          format: z.enum(FORMATS).default('json'),
          lang: z.enum(LANGUAGES).default('nl'),
          document: z.enum(DOCUMENTS).default('all'),
          tenant: z.string().max(64).optional(),
        }),
        response: { 200: z.string() },
      },
    },
    async (request, reply) => {
      const { format, lang, document, tenant } = request.query;
      const model = await buildRegister(app, { tenantId: tenant });
      const text = exportRegister(model, { format, lang, document });
      await audit(request, {
        action: 'register.export',
        target: tenant ?? 'all',
        result: 'ok',
        detail: { format, lang, document },
      });
      const type = { json: 'application/json', md: 'text/markdown', html: 'text/html' }[format];
      return reply.type(`${type}; charset=utf-8`).send(text);
    },
  );

  server.get(
    '/api/retention',
    {
      config: { access: ADMIN_AND_DPO },
      schema: {
        summary: 'Per retention class: items held, the oldest, when it is due, the last run',
        response: { 200: z.array(z.looseObject({ id: z.string(), items: z.number() })) },
      },
    },
    async () => (await app.retention.status()).map(loose),
  );

  server.get(
    '/api/doctor',
    {
      config: { access: ADMIN_ONLY },
      schema: {
        summary: 'The security baseline checks of koppel doctor',
        response: { 200: z.looseObject({ ok: z.boolean() }) },
      },
    },
    async () => {
      const context = await openDoctorContext(app.config, app.env, { clock: app.clock });
      try {
        return loose(await runDoctor(context, defaultChecks()));
      } finally {
        await context.store?.close();
      }
    },
  );

  server.get(
    '/api/keys',
    {
      config: { access: ADMIN_ONLY },
      schema: {
        summary: 'The master key in use and each data key: version and age (never a key)',
        response: { 200: z.looseObject({}) },
      },
    },
    async () => ({
      // The console shows each key's age against this moment (koppel's clock, not the browser's).
      now: app.clock.now(),
      source: app.masterKey.source,
      ...(await readKeyStatus(app.store.db, app.keys.masterKeys)),
    }),
  );

  server.get(
    '/api/audit',
    {
      config: { access: ADMIN_AND_DPO },
      schema: {
        summary: 'Audit entries, oldest first',
        querystring: z.object({
          since: z.iso.datetime({ offset: true }).optional(),
          limit: z.coerce.number().int().min(1).max(10_000).default(1_000),
        }),
        response: { 200: z.array(auditEntry) },
      },
    },
    async (request) =>
      app.audit.list({
        since: request.query.since === undefined ? undefined : Date.parse(request.query.since),
        limit: request.query.limit,
      }),
  );

  server.get(
    '/api/audit/verify',
    {
      config: { access: ADMIN_AND_DPO },
      schema: {
        summary: 'Recompute the hash chain, as koppel audit verify does',
        response: {
          200: z.object({
            ok: z.boolean(),
            entries: z.number(),
            head: z.string().optional(),
            badSeq: z.number().optional(),
            why: z.string().optional(),
          }),
        },
      },
    },
    async () => app.audit.verify(),
  );
}
