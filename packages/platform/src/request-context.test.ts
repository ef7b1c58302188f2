import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Hono } from 'hono';
import { assignRequestId, clientRequestIdOf, requestRoute } from './request-context.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

function app() {
  const a = new Hono();
  a.use(assignRequestId());
  a.get('/items/:id', (c) =>
    c.json({
      requestId: c.get('requestId'),
      client: c.get('clientRequestId') ?? null,
      route: requestRoute(c),
    }),
  );
  return a;
}

describe('assignRequestId', () => {
  it('always generates the request id and answers it, whatever the client sent', async () => {
    for (const sent of [undefined, 'client-chosen-id', 'x'.repeat(300)]) {
      const res = await app().request('/items/1', { headers: sent ? { 'x-request-id': sent } : {} });
      const body = (await res.json()) as { requestId: string; client: string | null };
      assert.match(body.requestId, UUID);
      assert.equal(res.headers.get('x-request-id'), body.requestId);
      assert.notEqual(body.requestId, sent);
    }
  });

  it("keeps the client's id apart, length-limited and without control characters", async () => {
    const res = await app().request('/items/1', {
      headers: { 'x-request-id': `abc\u0007\u007f${'y'.repeat(300)}` },
    });
    const body = (await res.json()) as { client: string };
    assert.equal(body.client, `abc${'y'.repeat(125)}`);
    assert.equal(clientRequestIdOf(`\t\u0001`), undefined);
    assert.equal(clientRequestIdOf('ok-1'), 'ok-1');
  });

  it('names the route pattern, never the path', async () => {
    const res = await app().request('/items/sk-secret-value');
    assert.equal(((await res.json()) as { route: string }).route, '/items/:id');
  });
});
