import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { HTTPException } from 'hono/http-exception';
import { requestId } from 'hono/request-id';
import { pino } from 'pino';
import { ApiError, type ErrorBody, handleErrors } from './http-errors.ts';

/** An app whose one route throws what it is given, behind our error handler. */
function appThrowing(error: unknown): Hono {
  const app = new Hono();
  app.use(requestId());
  app.get('/boom', () => {
    throw error;
  });
  app.onError(handleErrors(pino({ level: 'silent' })));
  return app;
}

async function errorOf(res: Response): Promise<ErrorBody['error']> {
  assert.match(res.headers.get('content-type') ?? '', /application\/json/);
  return ((await res.json()) as ErrorBody).error;
}

describe('handleErrors', () => {
  it('renders an ApiError with its status, code and the request id', async () => {
    const res = await appThrowing(new ApiError('FORBIDDEN', 'not yours')).request('/boom', {
      headers: { 'x-request-id': 'req-1' },
    });
    assert.equal(res.status, 403);
    assert.deepEqual(await errorOf(res), { code: 'FORBIDDEN', message: 'not yours', requestId: 'req-1' });
  });

  it("maps hono's HTTPException to our body with the status's code, keeping its message", async () => {
    const cases = [
      [401, 'UNAUTHORIZED'],
      [403, 'FORBIDDEN'],
      [404, 'NOT_FOUND'],
      [413, 'PAYLOAD_TOO_LARGE'],
      [415, 'UNSUPPORTED_MEDIA_TYPE'],
      [400, 'VALIDATION_FAILED'],
    ] as const;
    for (const [status, code] of cases) {
      const res = await appThrowing(new HTTPException(status, { message: `says ${status}` })).request(
        '/boom',
      );
      assert.equal(res.status, status);
      const error = await errorOf(res);
      assert.equal(error.code, code);
      assert.equal(error.message, `says ${status}`);
      assert.ok(error.requestId.length > 0);
    }
  });

  it('never answers 5xx for a 4xx-type exception outside the closed list', async () => {
    for (const status of [405, 408, 422, 429] as const) {
      const res = await appThrowing(new HTTPException(status)).request('/boom');
      assert.equal(res.status, 400, `status ${status}`);
      const error = await errorOf(res);
      assert.equal(error.code, 'VALIDATION_FAILED');
      assert.ok(error.message.length > 0);
    }
  });

  it("keeps the exception's WWW-Authenticate challenge, not its body", async () => {
    const res = await appThrowing(
      new HTTPException(401, {
        res: new Response('Unauthorized', {
          status: 401,
          headers: { 'WWW-Authenticate': 'Bearer realm=""' },
        }),
      }),
    ).request('/boom');
    assert.equal(res.status, 401);
    assert.equal(res.headers.get('www-authenticate'), 'Bearer realm=""');
    assert.equal((await errorOf(res)).code, 'UNAUTHORIZED');
  });

  it("tells the client nothing of a 5xx exception's message", async () => {
    const internal = await appThrowing(new HTTPException(502, { message: 'upstream secret' })).request(
      '/boom',
    );
    assert.equal(internal.status, 500);
    const error = await errorOf(internal);
    assert.equal(error.code, 'INTERNAL');
    assert.doesNotMatch(error.message, /secret/);
    const unavailable = await appThrowing(new HTTPException(503, { message: 'pool x' })).request('/boom');
    assert.equal(unavailable.status, 503);
    assert.equal((await errorOf(unavailable)).code, 'UNAVAILABLE');
  });

  it("turns hono's body-limit exception into PAYLOAD_TOO_LARGE", async () => {
    const app = new Hono();
    app.post('/in', bodyLimit({ maxSize: 4 }), async (c) => c.text(await c.req.text()));
    app.onError(handleErrors(pino({ level: 'silent' })));
    const res = await app.request('/in', { method: 'POST', body: 'far too long' });
    assert.equal(res.status, 413);
    assert.equal((await errorOf(res)).code, 'PAYLOAD_TOO_LARGE');
  });
});
