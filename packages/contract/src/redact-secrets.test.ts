import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { REDACTED, redactSecrets } from './redact-secrets.ts';

const JWT =
  'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4ifQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c';

describe('redactSecrets', () => {
  it('redacts values under secret-looking names at any depth, keeping numbers and flags', () => {
    const out = redactSecrets({
      Authorization: 'Basic dXNlcjpwYXNz',
      headers: { 'x-api-key': 'abc123', cookie: 'session=1', 'Proxy-Authorization': 'x' },
      nested: [{ deep: { client_secret: 'shh', password: 'hunter2', refresh_token: { v: 'r' } } }],
      apiKey: 'plain',
      access_token: 'at',
      max_token: 7,
      has_password: true,
    });
    assert.deepEqual(out, {
      Authorization: REDACTED,
      headers: { 'x-api-key': REDACTED, cookie: REDACTED, 'Proxy-Authorization': REDACTED },
      nested: [{ deep: { client_secret: REDACTED, password: REDACTED, refresh_token: REDACTED } }],
      apiKey: REDACTED,
      access_token: REDACTED,
      max_token: 7,
      has_password: true,
    });
  });

  it('redacts secret-looking text inside any value, keeping the rest of the text', () => {
    const out = redactSecrets({
      error: 'invalid key sk-proj-abcdefgh1234 for model',
      auth_header: 'Bearer abc.def-ghi',
      list: [JWT, `prefix ${JWT} suffix`, 'slq_0123456789abcdef0123'],
      aws: 'AKIAIOSFODNN7EXAMPLE',
    });
    assert.deepEqual(out, {
      error: `invalid key ${REDACTED} for model`,
      auth_header: REDACTED,
      list: [REDACTED, `prefix ${REDACTED} suffix`, REDACTED],
      aws: REDACTED,
    });
  });

  it('redacts secrets used as object keys', () => {
    const out = redactSecrets({ 'sk-live-abcdef123456': 1 });
    assert.deepEqual(Object.keys(out), [REDACTED]);
  });

  it('keeps everything else, token counts and ids included, and returns the same object when clean', () => {
    const clean = {
      prompt_tokens: 10,
      total_tokens: 12,
      tokenizer: 'cl100k',
      user_api_key_alias: 'alias',
      user_api_key_team_id: 'team-1',
      skill: 'sk-ab',
      note: 'ask-me',
      nested: { list: [1, 'two', null] },
    };
    assert.equal(redactSecrets(clean), clean);
  });

  it('is idempotent and never turns __proto__ into a prototype', () => {
    const input = JSON.parse('{"__proto__": {"token": "x"}, "a": "Bearer zzz"}') as Record<string, unknown>;
    const once = redactSecrets(input);
    assert.deepEqual(redactSecrets(once), once);
    assert.equal(Object.getPrototypeOf(once), Object.prototype);
    assert.deepEqual(Object.keys(once), ['__proto__', 'a']);
    assert.deepEqual(Object.getOwnPropertyDescriptor(once, '__proto__')?.value, { token: REDACTED });
  });
});
