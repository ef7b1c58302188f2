import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Hono } from 'hono';

/**
 * The interactive API reference at /docs, served entirely from this origin: Swagger UI's bundle and
 * style sheet come from the `swagger-ui-dist` package pinned in the lockfile, read from
 * node_modules, and the page's own start-up script is a file too, so the Content-Security-Policy can
 * allow scripts from 'self' only. Admins paste tokens into this page; a script from a CDN (unpinned,
 * as the page had) could read them.
 */
const swaggerDir = dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));

const INIT_SCRIPT = `window.addEventListener('load', function () {
  window.ui = SwaggerUIBundle({
    url: '/openapi.json',
    dom_id: '#swagger-ui',
    deepLinking: true,
    // The default sends the document to validator.swagger.io: no third party sees it.
    validatorUrl: null,
    presets: [SwaggerUIBundle.presets.apis],
    layout: 'BaseLayout',
  });
});
`;

type Asset = { type: string; load: () => string };

/** The only files served under /docs/assets/ (a Map: no prototype keys, no paths). */
const ASSETS = new Map<string, Asset>([
  [
    'swagger-ui-bundle.js',
    {
      type: 'text/javascript; charset=utf-8',
      load: () => readFileSync(join(swaggerDir, 'swagger-ui-bundle.js'), 'utf8'),
    },
  ],
  [
    'swagger-ui.css',
    { type: 'text/css; charset=utf-8', load: () => readFileSync(join(swaggerDir, 'swagger-ui.css'), 'utf8') },
  ],
  ['docs-init.js', { type: 'text/javascript; charset=utf-8', load: () => INIT_SCRIPT }],
]);

const PAGE = `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>Spend Ledger API</title>
    <link rel="stylesheet" href="/docs/assets/swagger-ui.css" />
  </head>
  <body>
    <div id="swagger-ui"></div>
    <script src="/docs/assets/swagger-ui-bundle.js"></script>
    <script src="/docs/assets/docs-init.js"></script>
  </body>
</html>
`;

/**
 * Only this origin: scripts, styles, fonts, images and requests (the OpenAPI document and "try it
 * out"). Inline styles are allowed (Swagger UI sets style attributes); inline scripts, eval, plugins
 * and framing are not.
 */
export const DOCS_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/** GET /docs and its assets; no token (the page holds no data; the API calls need one). */
export function docsRoutes(): Hono {
  const loaded = new Map<string, string>();
  const app = new Hono();
  app.get('/docs', (c) => {
    c.header('content-security-policy', DOCS_CSP);
    c.header('x-content-type-options', 'nosniff');
    c.header('referrer-policy', 'no-referrer');
    c.header('cache-control', 'no-cache');
    return c.html(PAGE);
  });
  app.get('/docs/assets/:file', (c) => {
    const name = c.req.param('file');
    const asset = ASSETS.get(name);
    if (!asset) return c.notFound();
    let body = loaded.get(name);
    if (body === undefined) {
      body = asset.load();
      loaded.set(name, body);
    }
    c.header('content-type', asset.type);
    c.header('x-content-type-options', 'nosniff');
    c.header('cache-control', 'public, max-age=3600');
    return c.body(body);
  });
  return app;
}
