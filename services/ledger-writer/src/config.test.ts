import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError } from '@spend-ledger/platform';
import { loadWriterConfig } from './config.ts';

describe('writer config', () => {
  it('reads the database link settings and the Kafka link settings', () => {
    const config = loadWriterConfig({
      DATABASE_URL: 'postgres://ledger@db.internal:5432/spend_ledger?sslmode=verify-full',
      DB_POOL_MAX: '6',
      DB_CONNECT_TIMEOUT_MS: '5000',
      IAM_TOKEN_DB_AUTH: 'true',
      AWS_REGION: 'eu-west-1',
      KAFKA_TLS: 'true',
      KAFKA_SASL_MECHANISM: 'scram-sha-256',
      KAFKA_SASL_USERNAME: 'writer',
      KAFKA_SASL_PASSWORD: 'pw-0123456789',
    });
    assert.equal(config.database.sslMode, 'verify-full');
    assert.equal(config.database.maxConnections, 6);
    assert.equal(config.database.connectTimeoutMs, 5000);
    assert.deepEqual(config.database.iam, { region: 'eu-west-1' });
    assert.equal(config.kafka.sasl?.mechanism, 'scram-sha-256');
    assert.deepEqual(config.topicDurability, { replicationFactor: 3, minInsyncReplicas: 2 });
  });

  it('names every variable that is wrong, Kafka and Postgres alike', () => {
    assert.throws(
      () =>
        loadWriterConfig({
          IAM_TOKEN_DB_AUTH: 'true',
          KAFKA_SASL_PASSWORD: 'pw',
          KAFKA_TOPIC_REPLICATION_FACTOR: '1',
        }),
      (e: unknown) =>
        e instanceof ConfigError &&
        ['AWS_REGION', 'DB_SSLMODE', 'KAFKA_SASL_PASSWORD', 'KAFKA_TOPIC_MIN_INSYNC_REPLICAS'].every((v) =>
          e.message.includes(v),
        ),
    );
  });
});
