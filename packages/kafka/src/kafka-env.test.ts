import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { inspect } from 'node:util';
import { ConfigError, createLogger, parseConfig } from '@spend-ledger/platform';
import { z } from 'zod';
import { checkKafkaEnv, kafkaConnection, kafkaEnv, topicDurability } from './kafka-env.ts';
import { toKafkaJsSecurity } from './kafka-security.ts';

const Schema = z
  .object(kafkaEnv('test-client'))
  .superRefine(checkKafkaEnv)
  .transform((env) => ({ kafka: kafkaConnection(env), topics: topicDurability(env) }));

const load = (env: NodeJS.ProcessEnv) => parseConfig(Schema, env);
const loadKafkaJs = (env: NodeJS.ProcessEnv) => toKafkaJsSecurity(load(env).kafka);

/** Asserts that loading fails and that the message names each variable. */
function assertRefused(env: NodeJS.ProcessEnv, ...variables: string[]): void {
  assert.throws(
    () => load(env),
    (e: unknown) => e instanceof ConfigError && variables.every((v) => e.message.includes(v)),
  );
}

const dir = mkdtempSync(join(tmpdir(), 'kafka-env-'));
const pem = (name: string, body: string) => {
  const path = join(dir, name);
  writeFileSync(path, `-----BEGIN ${body}-----\nAAAA\n-----END ${body}-----\n`);
  return path;
};
const caFile = pem('ca.pem', 'CERTIFICATE');
const certFile = pem('client.pem', 'CERTIFICATE');
const keyFile = pem('client.key', 'PRIVATE KEY');

describe('Kafka connection settings', () => {
  it('defaults to plaintext without SASL, 3 replicas and 2 in sync', () => {
    const config = load({});
    assert.deepEqual(config.kafka, { brokers: ['127.0.0.1:9092'], clientId: 'test-client' });
    assert.deepEqual(toKafkaJsSecurity(config.kafka), {});
    assert.deepEqual(config.topics, { replicationFactor: 3, minInsyncReplicas: 2 });
  });

  it('maps TLS with a CA, a client certificate and key to kafkajs ssl options', () => {
    const options = loadKafkaJs({
      KAFKA_TLS: 'true',
      KAFKA_TLS_CA_FILE: caFile,
      KAFKA_TLS_CERT_FILE: certFile,
      KAFKA_TLS_KEY_FILE: keyFile,
    });
    assert.deepEqual(options.ssl, {
      rejectUnauthorized: true,
      ca: [`-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n`],
      cert: `-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n`,
      key: `-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n`,
    });
    assert.equal(options.sasl, undefined);
  });

  it('uses the public roots when TLS has no CA file, and may skip verification only when told', () => {
    assert.deepEqual(loadKafkaJs({ KAFKA_TLS: 'true' }).ssl, { rejectUnauthorized: true });
    assert.deepEqual(loadKafkaJs({ KAFKA_TLS: 'true', KAFKA_TLS_REJECT_UNAUTHORIZED: 'false' }).ssl, {
      rejectUnauthorized: false,
    });
  });

  for (const mechanism of ['plain', 'scram-sha-256', 'scram-sha-512'] as const) {
    it(`maps SASL ${mechanism} to kafkajs sasl options`, () => {
      const options = loadKafkaJs({
        KAFKA_TLS: 'true',
        KAFKA_SASL_MECHANISM: mechanism,
        KAFKA_SASL_USERNAME: 'ledger',
        KAFKA_SASL_PASSWORD: 'hunter2-secret',
      });
      assert.deepEqual(options.sasl, { mechanism, username: 'ledger', password: 'hunter2-secret' });
      assert.deepEqual(options.ssl, { rejectUnauthorized: true });
    });
  }

  it('refuses SASL settings that do not go together, naming the variable', () => {
    assertRefused({ KAFKA_SASL_MECHANISM: 'plain' }, 'KAFKA_SASL_USERNAME', 'KAFKA_SASL_PASSWORD');
    assertRefused({ KAFKA_SASL_MECHANISM: 'scram-sha-256', KAFKA_SASL_USERNAME: 'u' }, 'KAFKA_SASL_PASSWORD');
    assertRefused({ KAFKA_SASL_USERNAME: 'u', KAFKA_SASL_PASSWORD: 'p' }, 'KAFKA_SASL_USERNAME');
    assertRefused({ KAFKA_SASL_MECHANISM: 'gssapi' }, 'KAFKA_SASL_MECHANISM');
  });

  it('refuses TLS files without KAFKA_TLS, half a client identity, and unreadable files', () => {
    assertRefused({ KAFKA_TLS_CA_FILE: caFile }, 'KAFKA_TLS_CA_FILE');
    assertRefused({ KAFKA_TLS: 'true', KAFKA_TLS_CERT_FILE: certFile }, 'KAFKA_TLS_KEY_FILE');
    assertRefused({ KAFKA_TLS: 'true', KAFKA_TLS_CA_FILE: join(dir, 'missing.pem') }, 'KAFKA_TLS_CA_FILE');
    assertRefused({ KAFKA_TLS: 'yes please' }, 'KAFKA_TLS');
  });

  it('refuses min.insync.replicas above the replication factor', () => {
    assertRefused(
      { KAFKA_TOPIC_REPLICATION_FACTOR: '1', KAFKA_TOPIC_MIN_INSYNC_REPLICAS: '2' },
      'KAFKA_TOPIC_MIN_INSYNC_REPLICAS',
    );
    assert.deepEqual(
      load({ KAFKA_TOPIC_REPLICATION_FACTOR: '1', KAFKA_TOPIC_MIN_INSYNC_REPLICAS: '1' }).topics,
      { replicationFactor: 1, minInsyncReplicas: 1 },
    );
  });

  it('never prints the password or the private key, even when the whole config is logged', () => {
    const config = load({
      KAFKA_TLS: 'true',
      KAFKA_TLS_CERT_FILE: certFile,
      KAFKA_TLS_KEY_FILE: keyFile,
      KAFKA_SASL_MECHANISM: 'plain',
      KAFKA_SASL_USERNAME: 'ledger',
      KAFKA_SASL_PASSWORD: 'hunter2-secret',
    });
    const lines: string[] = [];
    const log = createLogger({ service: 't', destination: { write: (line: string) => lines.push(line) } });
    log.info({ config }, 'starting');
    const printed = [
      JSON.stringify(config),
      inspect(config, { depth: 10 }),
      String(config.kafka.sasl?.password),
      ...lines,
    ];
    for (const text of printed) {
      assert.ok(!text.includes('hunter2-secret'), `password printed: ${text}`);
      assert.ok(!text.includes('PRIVATE KEY'), `key printed: ${text}`);
    }
    assert.ok(lines[0]?.includes('ledger'), 'the username is not secret and stays visible');
  });
});
