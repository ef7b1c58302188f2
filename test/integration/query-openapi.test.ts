import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import SwaggerParser from '@apidevtools/swagger-parser';
import { type QueryHarness, startQueryHarness } from './support/query-app.ts';

type OpenApiDoc = {
  openapi: string;
  paths: Record<string, Record<string, { parameters?: Array<{ name: string }>; responses: object }>>;
  components: { securitySchemes: object };
};

describe('OpenAPI document and reference page', () => {
  let h: QueryHarness;
  before(async () => {
    h = await startQueryHarness();
  });
  after(async () => {
    await h?.database.drop();
  });

  it('serves an OpenAPI 3.1 document that validates', async () => {
    const r = await h.get<OpenApiDoc>('/openapi.json', null);
    assert.equal(r.status, 200);
    assert.equal(r.body.openapi, '3.1.0');
    // validate() dereferences in place: give it a copy.
    await SwaggerParser.validate(structuredClone(r.body) as never);
  });

  it('documents every route with the parameters the zod schemas validate', async () => {
    const doc = (await h.get<OpenApiDoc>('/openapi.json', null)).body;
    assert.deepEqual(Object.keys(doc.paths).sort(), [
      '/customer/daily/activity',
      '/organization/daily/activity',
      '/tag/daily/activity',
      '/team/daily/activity',
      '/user/daily/activity',
      '/v1/admin/request-id-conflicts',
      '/v1/logs',
      '/v1/logs/{request_id}',
      '/v1/report',
      '/v1/spend/{entity_type}/{entity_id}',
      '/v1/spend/{entity_type}/{entity_id}/activity',
      '/v1/spend/{entity_type}/{entity_id}/daily',
    ]);
    const activity = doc.paths['/v1/spend/{entity_type}/{entity_id}/activity']?.get;
    const names = activity?.parameters?.map((p) => p.name) ?? [];
    for (const name of ['from', 'to', 'timezone', 'breakdown', 'page', 'page_size', 'format']) {
      assert.ok(names.includes(name), `activity documents ${name}`);
    }
    assert.ok('403' in (activity?.responses ?? {}));
    assert.ok('bearer' in doc.components.securitySchemes);
  });

  it('serves the interactive reference at /docs without a token', async () => {
    const r = await h.get<string>('/docs', null);
    assert.equal(r.status, 200);
    assert.match(r.body, /\/docs\/assets\/docs-init\.js/);
    const init = await h.get<string>('/docs/assets/docs-init.js', null);
    assert.match(init.body, /url: '\/openapi\.json'/);
  });
});
