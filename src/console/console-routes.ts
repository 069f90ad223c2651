import type { FastifyReply, FastifyRequest } from 'fastify';
import type { RouteDeps, ZodServer } from '../server/admin-server.js';
import { PUBLIC } from '../server/route-access.js';
import { sessionToken } from '../server/session-cookie.js';
import { type Asset, loadAssets } from './console-assets.js';
import { CONSOLE_PAGES, type ConsolePage } from './console-pages.js';

/**
 * The web console: one HTML shell per page and the files under console/. The shell carries no data:
 * every figure on a page comes from the same /api routes the CLI's scripts use, fetched by the page's
 * module with the session cookie, so the console has no second code path into koppel.
 */
export function consoleRoutes(server: ZodServer, { app }: RouteDeps): void {
  const assets = loadAssets();
  for (const page of CONSOLE_PAGES) {
    server.get(
      page.path,
      { schema: { hide: true }, config: { access: PUBLIC } },
      async (request: FastifyRequest<{ Params: { id?: string } }>, reply) => {
        if (!page.public) {
          const token = sessionToken(request);
          if (!token || !(await app.sessions.touch(token))) return toLogin(request, reply);
        }
        return reply.type('text/html; charset=utf-8').send(shell(page, request.params.id));
      },
    );
  }
  server.get(
    '/assets/*',
    { schema: { hide: true }, config: { access: PUBLIC } },
    async (request: FastifyRequest<{ Params: { '*': string } }>, reply) => {
      const asset: Asset | undefined = assets.get(request.params['*']);
      if (!asset) return reply.code(404).send({ error: 'not found' });
      if (request.headers['if-none-match'] === asset.etag) return reply.code(304).send();
      return reply.type(asset.type).header('etag', asset.etag).send(asset.body);
    },
  );
}

function toLogin(request: FastifyRequest, reply: FastifyReply) {
  const next = request.url === '/' ? '' : `?next=${encodeURIComponent(request.url)}`;
  return reply.redirect(`/login${next}`, 303);
}

function shell(page: ConsolePage, id: string | undefined): string {
  const idAttribute = id === undefined ? '' : ` data-id="${attribute(id)}"`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>koppel</title>
<link rel="icon" href="/assets/icon.svg" type="image/svg+xml">
<link rel="stylesheet" href="/assets/console.css">
<script type="module" src="/assets/app.js"></script>
</head>
<body data-page="${page.page}"${idAttribute}>
<header id="top"></header>
<main id="main" tabindex="-1"><p>…</p></main>
<noscript><p>The koppel console needs JavaScript. De koppel-console heeft JavaScript nodig.</p></noscript>
</body>
</html>
`;
}

/** The one value put into the shell (a tenant or incident id from the path), escaped for an attribute. */
function attribute(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
