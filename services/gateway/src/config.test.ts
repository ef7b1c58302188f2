import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError } from '@spend-ledger/platform';
import { loadGatewayConfig } from './config.ts';

describe('gateway config', () => {
  it('refuses to start without ingest tokens, naming the variable', () => {
    assert.throws(
      () => loadGatewayConfig({}),
      (e: unknown) => e instanceof ConfigError && e.message.includes('LEDGER_INGEST_TOKENS'),
    );
  });

  it('refuses short tokens and malformed broker lists', () => {
    assert.throws(
      () => loadGatewayConfig({ LEDGER_INGEST_TOKENS: 'short', KAFKA_BROKERS: 'localhost' }),
      (e: unknown) =>
        e instanceof ConfigError &&
        e.message.includes('LEDGER_INGEST_TOKENS') &&
        e.message.includes('KAFKA_BROKERS'),
    );
  });

  it('has sane defaults', () => {
    const config = loadGatewayConfig({ LEDGER_INGEST_TOKENS: 'a-token-of-16-chars+' });
    assert.equal(config.port, 8080);
    assert.deepEqual(config.kafka.brokers, ['127.0.0.1:9092']);
    assert.equal(config.maxEventsPerRequest, 1000);
  });
});
