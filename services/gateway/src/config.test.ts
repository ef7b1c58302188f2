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

  it('refuses a SASL mechanism without credentials, naming the missing variable', () => {
    assert.throws(
      () =>
        loadGatewayConfig({
          LEDGER_INGEST_TOKENS: 'a-token-of-16-chars+',
          KAFKA_SASL_MECHANISM: 'scram-sha-512',
        }),
      (e: unknown) =>
        e instanceof ConfigError &&
        e.message.includes('KAFKA_SASL_USERNAME: is required when KAFKA_SASL_MECHANISM is scram-sha-512'),
    );
  });

  it('has sane defaults', () => {
    const config = loadGatewayConfig({ LEDGER_INGEST_TOKENS: 'a-token-of-16-chars+' });
    assert.equal(config.port, 8080);
    assert.deepEqual(config.kafka.brokers, ['127.0.0.1:9092']);
    assert.equal(config.maxEventsPerRequest, 1000);
    assert.deepEqual(config.topicDurability, { replicationFactor: 3, minInsyncReplicas: 2 });
    assert.equal(config.workers, 1);
    assert.equal(config.maxBatchBytes, 4 * 1024 * 1024);
  });

  it('reads PUBLISH_MAX_BATCH_BYTES and refuses 0, naming the variable', () => {
    const base = { LEDGER_INGEST_TOKENS: 'a-token-of-16-chars+' };
    assert.equal(loadGatewayConfig({ ...base, PUBLISH_MAX_BATCH_BYTES: '262144' }).maxBatchBytes, 262144);
    assert.throws(
      () => loadGatewayConfig({ ...base, PUBLISH_MAX_BATCH_BYTES: '0' }),
      (e: unknown) => e instanceof ConfigError && e.message.includes('PUBLISH_MAX_BATCH_BYTES'),
    );
  });

  it('reads PUBLISH_COMPRESSION (default none) and refuses a codec it does not have, naming the variable', () => {
    const base = { LEDGER_INGEST_TOKENS: 'a-token-of-16-chars+' };
    assert.equal(loadGatewayConfig(base).compression, 'none');
    assert.equal(loadGatewayConfig({ ...base, PUBLISH_COMPRESSION: 'lz4' }).compression, 'lz4');
    assert.throws(
      () => loadGatewayConfig({ ...base, PUBLISH_COMPRESSION: 'snappy' }),
      (e: unknown) =>
        e instanceof ConfigError &&
        e.message.includes('PUBLISH_COMPRESSION: must be one of none, gzip, lz4, zstd'),
    );
  });

  it('reads GATEWAY_WORKERS and refuses a count below 1, naming the variable', () => {
    const base = { LEDGER_INGEST_TOKENS: 'a-token-of-16-chars+' };
    assert.equal(loadGatewayConfig({ ...base, GATEWAY_WORKERS: '2' }).workers, 2);
    assert.throws(
      () => loadGatewayConfig({ ...base, GATEWAY_WORKERS: '0' }),
      (e: unknown) => e instanceof ConfigError && e.message.includes('GATEWAY_WORKERS'),
    );
  });

  it('reads model price overrides from JSON and refuses bad ones, naming the variable', () => {
    const base = { LEDGER_INGEST_TOKENS: 'a-token-of-16-chars+' };
    const config = loadGatewayConfig({
      ...base,
      MODEL_PRICE_OVERRIDES: '{"my-model": {"input_mtok": "3", "output_mtok": 12.5}}',
    });
    assert.deepEqual(config.modelPriceOverrides, { 'my-model': { input_mtok: '3', output_mtok: 12.5 } });
    assert.deepEqual(loadGatewayConfig(base).modelPriceOverrides, {});
    for (const bad of [
      '{"m": {"input_mtok": "-1", "output_mtok": 1}}',
      '{"m": {"input_mtok": 1}}',
      '{nope',
      '/no/such/file.json',
    ]) {
      assert.throws(
        () => loadGatewayConfig({ ...base, MODEL_PRICE_OVERRIDES: bad }),
        (e: unknown) => e instanceof ConfigError && e.message.includes('MODEL_PRICE_OVERRIDES'),
        bad,
      );
    }
  });
});
