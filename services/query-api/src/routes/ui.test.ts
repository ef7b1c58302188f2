import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createLogger, handleErrors, handleNotFound } from '@spend-ledger/platform';
import { Hono } from 'hono';
import { resolveAssetPath, UI_CONTENT_SECURITY_POLICY, uiRoutes } from './ui.ts';

describe('dashboard assets under /ui', () => {
  let dir: string;
  let app: Hono;
  before(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'ui-dist-'));
    await mkdir(path.join(dir, 'assets'));
    await writeFile(path.join(dir, 'index.html'), '<!doctype html><div id="app"></div>');
    await writeFile(path.join(dir, 'assets', 'main-ABCD1234.js'), 'export {};');
    await writeFile(path.join(dir, 'assets', 'main-ABCD1234.css'), 'body{}');
    await writeFile(path.join(dir, '..', `${path.basename(dir)}-secret.txt`), 'outside');
    app = new Hono();
    app.route('/ui', uiRoutes({ dir }));
    app.onError(handleErrors(createLogger({ service: 'ui-test', level: 'silent' })));
    app.notFound(handleNotFound);
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
    await rm(path.join(dir, '..', `${path.basename(dir)}-secret.txt`), { force: true });
  });

  it('serves hashed assets with their type, a year of cache and the strict CSP', async () => {
    const js = await app.request('/ui/assets/main-ABCD1234.js');
    assert.equal(js.status, 200);
    assert.equal(js.headers.get('content-type'), 'text/javascript; charset=utf-8');
    assert.equal(js.headers.get('cache-control'), 'public, max-age=31536000, immutable');
    assert.equal(js.headers.get('content-security-policy'), UI_CONTENT_SECURITY_POLICY);
    assert.equal(js.headers.get('x-content-type-options'), 'nosniff');
    assert.equal(await js.text(), 'export {};');
    const css = await app.request('/ui/assets/main-ABCD1234.css');
    assert.equal(css.headers.get('content-type'), 'text/css; charset=utf-8');
    assert.match(UI_CONTENT_SECURITY_POLICY, /default-src 'none'/);
    assert.doesNotMatch(UI_CONTENT_SECURITY_POLICY, /unsafe/);
  });

  it('answers deep links with index.html, revalidated on every load', async () => {
    for (const url of ['/ui/', '/ui/entity/team/research', '/ui/entity/key/a%2Fb?from=2026-11-01']) {
      const res = await app.request(url);
      assert.equal(res.status, 200, url);
      assert.equal(res.headers.get('content-type'), 'text/html; charset=utf-8');
      assert.equal(res.headers.get('cache-control'), 'no-cache');
      assert.match(await res.text(), /id="app"/);
    }
    const bare = await app.request('/ui');
    assert.equal(bare.status, 301);
    assert.equal(bare.headers.get('location'), '/ui/');
  });

  it('is a 404 in the API error shape for a missing asset, and never leaves its directory', async () => {
    for (const url of [
      '/ui/assets/missing-ABCD1234.js',
      `/ui/..%2F${path.basename(dir)}-secret.txt`,
      '/ui/%2e%2e/%2e%2e/etc/passwd.txt',
      '/ui/bad%E0%A4%A.js',
    ]) {
      const res = await app.request(url);
      assert.equal(res.status, 404, url);
      const body = (await res.json()) as { error: { code: string } };
      assert.equal(body.error.code, 'NOT_FOUND');
    }
    assert.equal(resolveAssetPath('/srv/ui', '/../etc/passwd'), '/srv/ui/etc/passwd');
    assert.equal(resolveAssetPath('/srv/ui', '/%00x.js'), null);
  });

  it('says the dashboard is not built when index.html is missing', async () => {
    const empty = new Hono();
    empty.route('/ui', uiRoutes({ dir: path.join(dir, 'nothing-here') }));
    empty.onError(handleErrors(createLogger({ service: 'ui-test', level: 'silent' })));
    const res = await empty.request('/ui/');
    assert.equal(res.status, 404);
    assert.match(((await res.json()) as { error: { message: string } }).error.message, /npm run build:ui/);
  });
});
