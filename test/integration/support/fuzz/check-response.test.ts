import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkAnswer } from './check-response.ts';
import type { FuzzRequest } from './requests.ts';

const get: FuzzRequest = { method: 'GET', url: '/v1/spend/team/a', headers: {} };
const json = (status: number, body: unknown) => ({
  status,
  contentType: 'application/json',
  text: JSON.stringify(body),
});
const error = (code: string, extra: object = {}) => ({
  error: { code, message: 'm', requestId: 'r', ...extra },
});

describe('fuzz answer rules', () => {
  it('accepts documented 4xx errors and sane 2xx answers', () => {
    assert.equal(
      checkAnswer(get, json(400, error('VALIDATION_FAILED', { details: [{ field: 'from', message: 'x' }] }))),
      undefined,
    );
    assert.equal(checkAnswer(get, json(401, error('UNAUTHORIZED'))), undefined);
    assert.equal(checkAnswer(get, json(200, { spend: '1.000000000000', prompt_tokens: 3 })), undefined);
    assert.equal(checkAnswer(get, { status: 200, contentType: 'text/csv', text: 'date,spend\n' }), undefined);
  });

  it('refuses any 5xx, unknown codes, codes with the wrong status and malformed errors', () => {
    assert.match(checkAnswer(get, json(500, error('INTERNAL'))) ?? '', /status 500/);
    assert.match(checkAnswer(get, json(503, error('UNAVAILABLE'))) ?? '', /status 503/);
    assert.match(checkAnswer(get, json(400, error('OOPS'))) ?? '', /known error code/);
    assert.match(checkAnswer(get, json(404, error('VALIDATION_FAILED'))) ?? '', /with status 404/);
    assert.match(checkAnswer(get, json(400, { message: 'bad' })) ?? '', /known error code/);
    assert.match(
      checkAnswer(get, json(400, error('VALIDATION_FAILED', { details: [{ field: 1 }] }))) ?? '',
      /details/,
    );
    assert.match(
      checkAnswer(get, { status: 400, contentType: 'text/plain', text: 'Bad' }) ?? '',
      /content-type/,
    );
  });

  it('refuses 2xx answers with inexact money or odd counters', () => {
    assert.match(checkAnswer(get, json(200, { spend: 0.1 })) ?? '', /bad figures/);
    assert.match(checkAnswer(get, json(200, { rows: [{ spend: '-1.000000000000' }] })) ?? '', /bad figures/);
    assert.match(checkAnswer(get, json(200, { api_requests: -1 })) ?? '', /bad figures/);
    assert.match(checkAnswer(get, { status: 302, contentType: '', text: '' }) ?? '', /unexpected status/);
    // LiteLLM's own routes answer spend as a JSON number, like LiteLLM: finite and not negative.
    const liteLlm: FuzzRequest = { method: 'GET', url: '/team/daily/activity?start_date=x', headers: {} };
    assert.equal(checkAnswer(liteLlm, json(200, { metadata: { spend: 0.0105 } })), undefined);
    assert.match(checkAnswer(liteLlm, json(200, { metadata: { spend: -1 } })) ?? '', /bad figures/);
  });
});
