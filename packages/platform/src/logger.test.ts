import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { describe, it } from 'node:test';
import { DrizzleQueryError } from 'drizzle-orm/errors';
import { createLogger } from './logger.ts';

/** The JSON lines a logger configured like createLogger writes. */
function capture(): { log: ReturnType<typeof createLogger>; lines: () => Record<string, unknown>[] } {
  const chunks: string[] = [];
  const sink = new Writable({
    write(chunk, _enc, done) {
      chunks.push(String(chunk));
      done();
    },
  });
  const log = createLogger({ service: 'test', level: 'info', destination: sink });
  return {
    log,
    lines: () =>
      chunks
        .join('')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l)),
  };
}

describe('createLogger', () => {
  it('logs a failed query without its statement or parameters, keeping the driver error', () => {
    const { log, lines } = capture();
    const cause = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
    const secret = 'sk-live-0123456789abcdef';
    log.error(
      { err: new DrizzleQueryError('insert into spend_logs values ($1)', [secret], cause) },
      'write failed',
    );
    const [line] = lines();
    const text = JSON.stringify(line);
    assert.ok(!text.includes(secret), 'no parameter in the log line');
    assert.ok(!text.includes('insert into spend_logs'), 'no statement in the log line');
    assert.match(text, /ECONNREFUSED/, 'the driver error is kept');
  });
});
