import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type QueryHarness, startQueryHarness } from './support/query-app.ts';

describe('query API: /docs is served from our own origin only', () => {
  let h: QueryHarness;
  before(async () => {
    h = await startQueryHarness();
  });
  after(async () => {
    await h?.database.drop();
  });

  it('references no other origin, and every asset it references is served', async () => {
    const r = await h.get<string>('/docs', null);
    assert.equal(r.status, 200);
    assert.match(r.res.headers.get('content-type') ?? '', /^text\/html/);
    assert.doesNotMatch(
      r.body,
      /(?:https?:)?\/\/[a-z0-9.-]+\.[a-z]{2,}/i,
      'no absolute or protocol-relative URL',
    );
    const refs = [...r.body.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1] as string);
    assert.ok(
      refs.some((ref) => ref.endsWith('.js')),
      'loads a script',
    );
    assert.ok(
      refs.some((ref) => ref.endsWith('.css')),
      'loads a style sheet',
    );
    for (const ref of refs) {
      assert.match(ref, /^\/docs\/assets\//, ref);
      const asset = await h.get<string>(ref, null);
      assert.equal(asset.status, 200, ref);
      assert.ok(asset.body.length > 100, ref);
      assert.match(asset.res.headers.get('content-type') ?? '', ref.endsWith('.js') ? /javascript/ : /css/);
      assert.equal(asset.res.headers.get('x-content-type-options'), 'nosniff');
    }
    assert.doesNotMatch(r.body, /<script>(?!<\/script>)|<script[^>]*>[^<]+<\/script>/, 'no inline script');
  });

  it("sends a Content-Security-Policy that allows only 'self'", async () => {
    const r = await h.get<string>('/docs', null);
    const csp = r.res.headers.get('content-security-policy') ?? '';
    const directives = new Map(
      csp.split(';').map((d) => {
        const [name = '', ...values] = d.trim().split(/\s+/);
        return [name, values] as const;
      }),
    );
    assert.deepEqual(directives.get('default-src'), ["'self'"]);
    assert.deepEqual(directives.get('script-src'), ["'self'"]);
    assert.deepEqual(directives.get('connect-src'), ["'self'"]);
    assert.deepEqual(directives.get('frame-ancestors'), ["'none'"]);
    assert.doesNotMatch(csp, /https?:|\*|unsafe-eval/);
  });

  it('serves nothing else from the assets folder', async () => {
    for (const path of [
      '/docs/assets/package.json',
      '/docs/assets/..%2F..%2Fpackage.json',
      '/docs/assets/%2e%2e/%2e%2e/package.json',
      '/docs/assets/index.html',
    ]) {
      assert.equal((await h.get(path, null)).status, 404, path);
    }
  });
});
