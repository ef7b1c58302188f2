import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { missingProcessSettings, WRITER_MALLOC_ENV, WRITER_NODE_FLAGS } from './process-settings.ts';

describe('missingProcessSettings', () => {
  it('names every node flag and malloc setting a bare `node main.js` lacks', () => {
    assert.deepEqual(missingProcessSettings([], {}), [
      ...WRITER_NODE_FLAGS,
      ...Object.entries(WRITER_MALLOC_ENV).map(([k, v]) => `${k}=${v}`),
    ]);
  });

  it('accepts the flags on the command line or in NODE_OPTIONS, with other values', () => {
    const env = { ...WRITER_MALLOC_ENV, NODE_OPTIONS: '--max-semi-space-size=8' };
    assert.deepEqual(missingProcessSettings(['--max-old-space-size=256'], env), []);
  });
});
