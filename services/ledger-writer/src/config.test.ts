import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError } from '@spend-ledger/platform';
import { loadWriterConfig } from './config.ts';

describe('writer config: storage settings', () => {
  it('keeps everything and bounds nothing by default', () => {
    const config = loadWriterConfig({});
    assert.equal(config.spendLogs.enabled, true);
    assert.equal(config.spendLogs.retentionDays, undefined);
    assert.equal(config.maxEventAgeDays, undefined);
    assert.deepEqual(config.spendLogs.archive, {});
  });

  it('bounds event age below the retention by default, and refuses a bound that reaches it', () => {
    assert.equal(loadWriterConfig({ SPEND_LOGS_RETENTION_DAYS: '90' }).maxEventAgeDays, 89);
    assert.equal(
      loadWriterConfig({ SPEND_LOGS_RETENTION_DAYS: '90', MAX_EVENT_AGE_DAYS: '7' }).maxEventAgeDays,
      7,
    );
    assert.throws(
      () => loadWriterConfig({ SPEND_LOGS_RETENTION_DAYS: '90', MAX_EVENT_AGE_DAYS: '90' }),
      /MAX_EVENT_AGE_DAYS/,
    );
    assert.throws(() => loadWriterConfig({ SPEND_LOGS_RETENTION_DAYS: '1' }), /SPEND_LOGS_RETENTION_DAYS/);
    assert.throws(() => loadWriterConfig({ SPEND_LOGS_RETENTION_DAYS: 'ten' }), /SPEND_LOGS_RETENTION_DAYS/);
  });

  it('keeps the dedupe record past the rows and past the age bound', () => {
    const ok = loadWriterConfig({ SPEND_LOGS_RETENTION_DAYS: '30', DEDUPE_RETENTION_DAYS: '400' });
    assert.equal(ok.spendLogs.dedupeRetentionDays, 400);
    assert.equal(loadWriterConfig({}).spendLogs.dedupeRetentionDays, undefined);
    assert.throws(() => loadWriterConfig({ DEDUPE_RETENTION_DAYS: '400' }), /DEDUPE_RETENTION_DAYS/);
    assert.throws(
      () =>
        loadWriterConfig({
          SPEND_LOGS_RETENTION_DAYS: '30',
          DEDUPE_RETENTION_DAYS: '20',
          MAX_EVENT_AGE_DAYS: '7',
        }),
      /at least SPEND_LOGS_RETENTION_DAYS/,
    );
    assert.throws(
      () => loadWriterConfig({ MAX_EVENT_AGE_DAYS: '30', DEDUPE_RETENTION_DAYS: '30' }),
      /DEDUPE_RETENTION_DAYS/,
    );
  });

  it('reads DISABLE_SPEND_LOGS strictly and one archive target', () => {
    assert.equal(loadWriterConfig({ DISABLE_SPEND_LOGS: 'true' }).spendLogs.enabled, false);
    assert.equal(loadWriterConfig({ DISABLE_SPEND_LOGS: 'false' }).spendLogs.enabled, true);
    assert.throws(() => loadWriterConfig({ DISABLE_SPEND_LOGS: 'maybe' }), /DISABLE_SPEND_LOGS/);
    assert.deepEqual(loadWriterConfig({ ARCHIVE_DIR: '/var/archive' }).spendLogs.archive, {
      dir: '/var/archive',
    });
    assert.throws(() => loadWriterConfig({ ARCHIVE_DIR: '/a', ARCHIVE_S3_BUCKET: 'b' }), /ARCHIVE_DIR/);
  });
});

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
