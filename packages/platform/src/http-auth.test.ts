import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Hono } from 'hono';
import { pino } from 'pino';
import { bearerAuth } from './http-auth.ts';
import { type ErrorBody, handleErrors } from './http-errors.ts';

const TOKEN = 'ingest-token-0123456789abcdef';

function guarded(): Hono {
  const app = new Hono();
  app.use('/v1/*', bearerAuth([TOKEN, 'second-token-0123456789']));
  app.get('/v1/thing', (c) => c.json({ ok: true }));
  app.onError(handleErrors(pino({ level: 'silent' })));
  return app;
}

async function refusal(authorization: string | undefined): Promise<ErrorBody['error']> {
  const res = await guarded().request('/v1/thing', {
    headers: authorization === undefined ? {} : { authorization },
  });
  assert.equal(res.status, 401, `authorization ${authorization}`);
  return ((await res.json()) as ErrorBody).error;
}

describe('bearerAuth', () => {
  it('lets a configured token through, whatever the scheme case', async () => {
    for (const authorization of [`Bearer ${TOKEN}`, `bearer ${TOKEN}`, 'Bearer second-token-0123456789']) {
      const res = await guarded().request('/v1/thing', { headers: { authorization } });
      assert.equal(res.status, 200, authorization);
    }
  });

  it('refuses a missing or malformed header with 401 UNAUTHORIZED in our body (hono says 400)', async () => {
    for (const authorization of [undefined, '', `Basic ${TOKEN}`, 'Bearer', 'Bearer a b', TOKEN]) {
      const error = await refusal(authorization);
      assert.equal(error.code, 'UNAUTHORIZED');
      assert.match(error.message, /missing bearer token/);
    }
  });

  it('refuses to start with a configured token no request could present', () => {
    assert.throws(() => bearerAuth([TOKEN, 'a token with spaces 0123']), /1 configured bearer token/);
    assert.throws(() => bearerAuth(['semicolon;token-0123456789']), /RFC 6750/);
  });

  it('refuses a wrong token, including a prefix of a right one', async () => {
    for (const token of ['wrong-token-0123456789', TOKEN.slice(0, -1), `${TOKEN}x`]) {
      const error = await refusal(`Bearer ${token}`);
      assert.equal(error.code, 'UNAUTHORIZED');
      assert.equal(error.message, 'invalid bearer token');
    }
  });
});
