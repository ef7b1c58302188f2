import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { ApiError } from '@spend-ledger/platform';
import { Hono } from 'hono';

import { DEFAULT_UI_DIR } from '../ui-dir.ts';

export { DEFAULT_UI_DIR };

/**
 * The dashboard talks only to this origin; no inline script or style, no third party, no framing.
 * Chart.js and Preact set styles through the CSSOM (element.style), which style-src does not govern.
 */
export const UI_CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "font-src 'self'",
  "manifest-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

/** Built assets carry a content hash in their name (`main-3FJ2KQ.js`): they never change. */
const HASHED = /-[A-Z0-9]{8,}\.[a-z0-9.]+$/;

function cacheControlFor(file: string): string {
  if (file.endsWith('.html')) return 'no-cache';
  return HASHED.test(file) ? 'public, max-age=31536000, immutable' : 'public, max-age=300';
}

/** The file under `dir` a request path names, or null when it would leave the directory. */
export function resolveAssetPath(dir: string, requestPath: string): string | null {
  let relative: string;
  try {
    relative = decodeURIComponent(requestPath);
  } catch {
    return null;
  }
  if (relative.includes('\0')) return null;
  const file = path.resolve(dir, `.${path.posix.normalize(`/${relative}`)}`);
  return file === dir || file.startsWith(`${dir}${path.sep}`) ? file : null;
}

async function readOrNull(file: string): Promise<Buffer | null> {
  try {
    return await readFile(file);
  } catch {
    return null;
  }
}

/**
 * Serves the dashboard built by `npm run build:ui`: the files as they are, with their content type and
 * cache headers; any path without a file extension (a deep link such as /ui/entity/team/x) gets
 * index.html so the page can route itself; a missing asset is the usual 404 JSON. No token is needed:
 * the assets hold no data, and every figure is read with the user's token from /v1.
 */
export function uiRoutes(options: { dir?: string } = {}) {
  const dir = path.resolve(options.dir ?? DEFAULT_UI_DIR);
  const app = new Hono();
  app.use(async (c, next) => {
    await next();
    c.header('Content-Security-Policy', UI_CONTENT_SECURITY_POLICY);
    c.header('X-Content-Type-Options', 'nosniff');
    c.header('Referrer-Policy', 'no-referrer');
    c.header('X-Frame-Options', 'DENY');
  });
  app.get('/*', async (c) => {
    const rest = c.req.path.replace(/^\/ui/, '');
    if (rest === '') return c.redirect('/ui/', 301);
    const extension = path.posix.extname(rest);
    const wanted = extension === '' ? '/index.html' : rest;
    const file = resolveAssetPath(dir, wanted);
    const body = file ? await readOrNull(file) : null;
    if (!file || !body) {
      const message =
        extension === '' ? 'the dashboard is not built: run `npm run build:ui`' : `no asset ${c.req.path}`;
      throw new ApiError('NOT_FOUND', message);
    }
    const type = CONTENT_TYPES[path.extname(file)] ?? 'application/octet-stream';
    return c.body(new Uint8Array(body), 200, {
      'Content-Type': type,
      'Cache-Control': cacheControlFor(file),
    });
  });
  return app;
}
