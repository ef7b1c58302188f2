import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { z } from 'zod';
import { ConfigError, csv, flag, parseConfig, positiveInt } from './config.ts';

const Schema = z.object({ ENABLED: flag(false), TOKENS: csv(), TIMEOUT_MS: positiveInt(100) });

describe('parseConfig', () => {
  it('reads flags strictly: "false" is false', () => {
    assert.equal(parseConfig(Schema, { ENABLED: 'false' }).ENABLED, false);
    assert.equal(parseConfig(Schema, { ENABLED: '1' }).ENABLED, true);
    assert.equal(parseConfig(Schema, {}).ENABLED, false);
  });

  it('splits comma-separated lists and drops blanks', () => {
    assert.deepEqual(parseConfig(Schema, { TOKENS: ' a, ,b ' }).TOKENS, ['a', 'b']);
  });

  it('names every bad variable in one error', () => {
    assert.throws(
      () => parseConfig(Schema, { ENABLED: 'maybe', TIMEOUT_MS: '-5' }),
      (error: unknown) =>
        error instanceof ConfigError &&
        error.problems.length === 2 &&
        error.message.includes('ENABLED') &&
        error.message.includes('TIMEOUT_MS'),
    );
  });
});
