import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import { isApiKeyDigest, normalizeApiKey } from './api-key.ts';

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

describe('normalizeApiKey', () => {
  it('hashes every value that is not already a digest, whatever its spelling', () => {
    for (const raw of [
      'sk-ab',
      'sk-x.secretstuff',
      'Bearer sk-live-abcdef123456',
      ' sk-live-abcdef123456',
      'sk-live-abcdef123456\n',
      'team-alias',
      'AKIAIOSFODNN7EXAMPLE',
      // 63 and 65 hex digits are not digests.
      'a'.repeat(63),
      'a'.repeat(65),
      // Hex with a prefix or padding is not a digest either.
      ` ${'a'.repeat(64)}`,
      `0x${'a'.repeat(64)}`,
    ]) {
      assert.equal(normalizeApiKey(raw), sha256(raw), raw);
    }
  });

  it('keeps a lower-case SHA-256 hex digest as it is and lower-cases an upper-case one', () => {
    const digest = sha256('sk-live-abcdef123456');
    assert.equal(normalizeApiKey(digest), digest);
    assert.equal(normalizeApiKey(digest.toUpperCase()), digest);
  });

  it('is idempotent', () => {
    for (const raw of ['sk-ab', 'alias', sha256('x').toUpperCase(), '']) {
      const once = normalizeApiKey(raw);
      assert.equal(normalizeApiKey(once), once, raw);
      assert.ok(once === '' || isApiKeyDigest(once));
    }
  });

  it('keeps "" as "" (no virtual key)', () => {
    assert.equal(normalizeApiKey(''), '');
  });
});
