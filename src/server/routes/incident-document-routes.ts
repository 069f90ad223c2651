import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { documentSourcesFor } from '../../incidents/documents/app-sources.js';
import { DOCUMENT_FORMATS } from '../../incidents/documents/document-context.js';
import {
  DocumentRequestError,
  type ExportRequest,
  exportIncidentDocument,
  parseMoment,
} from '../../incidents/documents/export-incident-document.js';
import {
  INCIDENT_DOCUMENT_KINDS,
  type IncidentDocumentKind,
} from '../../incidents/documents/render-incident-document.js';
import { LANGUAGES } from '../../register/texts.js';
import type { RouteDeps, ZodServer } from '../admin-server.js';
import { ADMIN_AND_DPO } from '../route-access.js';

const problem = z.object({ error: z.string() });
const moment = z
  .string()
  .max(40)
  .refine((s) => parseMoment(s) !== null, 'must be an ISO 8601 date or moment with offset')
  .transform((s) => parseMoment(s) as number);

const isIncidentDocument = (doc: string): doc is IncidentDocumentKind =>
  (INCIDENT_DOCUMENT_KINDS as readonly string[]).includes(doc);

/** The incident documents (docs/incident-documents.md) as downloads, for admins and the DPO. */
export function incidentDocumentRoutes(server: ZodServer, { app, audit }: RouteDeps): void {
  const send = async (request: FastifyRequest, reply: FastifyReply, input: ExportRequest) => {
    try {
      const exported = await exportIncidentDocument(documentSourcesFor(app), input);
      await audit(request, {
        action: 'incident.export',
        target: input.id ?? 'dpo-review',
        result: 'ok',
        detail: {
          doc: input.doc,
          format: input.format,
          lang: input.lang,
          tenant: exported.tenant,
          incidents: exported.incidentIds.length,
        },
      });
      return reply
        .type(exported.contentType)
        .header('content-disposition', `attachment; filename="${exported.fileName}"`)
        .send(exported.body);
    } catch (error) {
      if (error instanceof DocumentRequestError) return reply.code(400).send({ error: error.message });
      if (error instanceof Error && error.name === 'IncidentNotFoundError')
        return reply.code(404).send({ error: error.message });
      throw error;
    }
  };

  server.get(
    '/api/incidents/:id/documents/:doc',
    {
      config: { access: ADMIN_AND_DPO },
      schema: {
        summary:
          'A document of one incident: customer notice, AP preparation sheet, notice to the people concerned',
        params: z.object({
          id: z.string().min(1).max(64),
          // A string, not an enum: an unknown document is a resource that is not there (404).
          doc: z.string().max(40).describe(INCIDENT_DOCUMENT_KINDS.join(' | ')),
        }),
        querystring: z.object({
          format: z.enum(DOCUMENT_FORMATS).default('html'),
          lang: z.enum(LANGUAGES).default('nl'),
          tenant: z.string().max(64).optional(),
        }),
        response: { 400: problem, 404: problem },
      },
    },
    async (request, reply) => {
      const { id, doc } = request.params;
      const { format, lang, tenant } = request.query;
      if (!isIncidentDocument(doc))
        return reply.code(404).send({ error: `no document "${doc}": ${INCIDENT_DOCUMENT_KINDS.join(', ')}` });
      return send(request, reply, { doc, format, lang, id, tenant });
    },
  );

  server.get(
    '/api/incidents/documents/dpo-review',
    {
      config: { access: ADMIN_AND_DPO },
      schema: {
        summary: 'The DPO review of a period: all incidents, times against deadlines, open actions',
        querystring: z.object({
          format: z.enum(DOCUMENT_FORMATS).default('html'),
          lang: z.enum(LANGUAGES).default('nl'),
          from: moment.optional(),
          to: moment.optional(),
        }),
        response: { 400: problem },
      },
    },
    async (request, reply) => {
      const { format, lang, from, to } = request.query;
      return send(request, reply, { doc: 'dpo-review', format, lang, from, to });
    },
  );
}
