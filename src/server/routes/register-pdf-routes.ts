import { z } from 'zod';
import { buildRegister } from '../../register/build-register.js';
import { DOCUMENTS, exportRegisterPdf } from '../../register/export-register.js';
import { LANGUAGES } from '../../register/texts.js';
import type { RouteDeps, ZodServer } from '../admin-server.js';
import { ADMIN_AND_DPO } from '../route-access.js';

/**
 * The register and the Data Pro Statement as PDF: the same renderer `koppel register export --format
 * pdf` uses (register/render-pdf.ts, pdfkit). Beside GET /api/register, whose answer is text.
 */
export function registerPdfRoutes(server: ZodServer, { app, audit }: RouteDeps): void {
  server.get(
    '/api/register/pdf',
    {
      config: { access: ADMIN_AND_DPO },
      schema: {
        summary: 'The Art. 30(2) register and the Data Pro Statement as PDF (A4)',
        querystring: z.object({
          lang: z.enum(LANGUAGES).default('nl'),
          document: z.enum(DOCUMENTS).default('all'),
          tenant: z.string().max(64).optional(),
        }),
      },
    },
    async (request, reply) => {
      const { lang, document, tenant } = request.query;
      const model = await buildRegister(app, { tenantId: tenant });
      const pdf = await exportRegisterPdf(model, { lang, document, createdAt: app.clock.now() });
      await audit(request, {
        action: 'register.export',
        target: tenant ?? 'all',
        result: 'ok',
        detail: { format: 'pdf', lang, document },
      });
      const name = `koppel-${document === 'all' ? 'register' : document}-${lang}.pdf`;
      return reply
        .type('application/pdf')
        .header('content-disposition', `attachment; filename="${name}"`)
        .send(pdf);
    },
  );
}
