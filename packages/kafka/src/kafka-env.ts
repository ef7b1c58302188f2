import {
  fileContents,
  flag,
  kafkaBrokers,
  optionalSecret,
  optionalText,
  positiveInt,
  secretFileContents,
} from '@spend-ledger/platform';
import { z } from 'zod';
import type { KafkaConnection } from './kafka-security.ts';
import type { TopicDurability } from './topics.ts';

/**
 * The Kafka variables every service that talks to Kafka shares: spread `kafkaEnv(clientId)` into the
 * service's schema, add `.superRefine(checkKafkaEnv)`, and build the connection with
 * `kafkaConnection(env)` and the topics' durability with `topicDurability(env)`.
 */
export const kafkaEnv = (defaultClientId: string) => ({
  KAFKA_BROKERS: kafkaBrokers(),
  KAFKA_CLIENT_ID: z.string().default(defaultClientId),
  /** TLS to the brokers (SSL or SASL_SSL listeners). */
  KAFKA_TLS: flag(false),
  /** PEM CA bundle for the brokers' certificates (default: Node's public roots). */
  KAFKA_TLS_CA_FILE: fileContents(),
  /** PEM client certificate and key, for mutual TLS. */
  KAFKA_TLS_CERT_FILE: fileContents(),
  KAFKA_TLS_KEY_FILE: secretFileContents(),
  /** false accepts any broker certificate: test brokers only. */
  KAFKA_TLS_REJECT_UNAUTHORIZED: flag(true),
  KAFKA_SASL_MECHANISM: z
    .enum(['plain', 'scram-sha-256', 'scram-sha-512'], {
      error: 'must be plain, scram-sha-256 or scram-sha-512',
    })
    .optional(),
  KAFKA_SASL_USERNAME: optionalText(),
  KAFKA_SASL_PASSWORD: optionalSecret(),
  /**
   * Replicas of each topic this service creates, and how many must have a write before acks=all
   * acknowledges it. 3 and 2: a 202 survives the loss of any one broker. 1 only on a single-node broker.
   */
  KAFKA_TOPIC_REPLICATION_FACTOR: positiveInt(3),
  KAFKA_TOPIC_MIN_INSYNC_REPLICAS: positiveInt(2),
});

type KafkaEnvInput = z.output<z.ZodObject<ReturnType<typeof kafkaEnv>>>;

const TLS_FILES = ['KAFKA_TLS_CA_FILE', 'KAFKA_TLS_CERT_FILE', 'KAFKA_TLS_KEY_FILE'] as const;

/** Cross-variable rules, each issue naming the variable to fix. */
export function checkKafkaEnv(env: KafkaEnvInput, ctx: z.RefinementCtx): void {
  const problem = (variable: string, message: string) =>
    ctx.addIssue({ code: 'custom', path: [variable], message });
  if (!env.KAFKA_TLS) {
    for (const variable of TLS_FILES) {
      if (env[variable] !== undefined) problem(variable, 'is set but KAFKA_TLS is not true');
    }
  }
  if ((env.KAFKA_TLS_CERT_FILE === undefined) !== (env.KAFKA_TLS_KEY_FILE === undefined)) {
    const missing = env.KAFKA_TLS_CERT_FILE === undefined ? 'KAFKA_TLS_CERT_FILE' : 'KAFKA_TLS_KEY_FILE';
    problem(missing, 'is required: a client certificate and its key go together');
  }
  if (env.KAFKA_SASL_MECHANISM === undefined) {
    for (const variable of ['KAFKA_SASL_USERNAME', 'KAFKA_SASL_PASSWORD'] as const) {
      if (env[variable] !== undefined) problem(variable, 'is set but KAFKA_SASL_MECHANISM is not');
    }
  } else {
    const needs = `is required when KAFKA_SASL_MECHANISM is ${env.KAFKA_SASL_MECHANISM}`;
    if (env.KAFKA_SASL_USERNAME === undefined) problem('KAFKA_SASL_USERNAME', needs);
    if (env.KAFKA_SASL_PASSWORD === undefined) problem('KAFKA_SASL_PASSWORD', needs);
  }
  if (env.KAFKA_TOPIC_MIN_INSYNC_REPLICAS > env.KAFKA_TOPIC_REPLICATION_FACTOR) {
    problem(
      'KAFKA_TOPIC_MIN_INSYNC_REPLICAS',
      `must not exceed KAFKA_TOPIC_REPLICATION_FACTOR (${env.KAFKA_TOPIC_REPLICATION_FACTOR}): every acks=all write would fail`,
    );
  }
}

/** The connection described by the variables (after checkKafkaEnv passed). */
export function kafkaConnection(env: KafkaEnvInput): KafkaConnection {
  const connection: KafkaConnection = { brokers: env.KAFKA_BROKERS, clientId: env.KAFKA_CLIENT_ID };
  if (env.KAFKA_TLS) {
    connection.tls = {
      rejectUnauthorized: env.KAFKA_TLS_REJECT_UNAUTHORIZED,
      ...(env.KAFKA_TLS_CA_FILE === undefined ? {} : { ca: env.KAFKA_TLS_CA_FILE }),
      ...(env.KAFKA_TLS_CERT_FILE === undefined ? {} : { cert: env.KAFKA_TLS_CERT_FILE }),
      ...(env.KAFKA_TLS_KEY_FILE === undefined ? {} : { key: env.KAFKA_TLS_KEY_FILE }),
    };
  }
  if (env.KAFKA_SASL_MECHANISM && env.KAFKA_SASL_USERNAME && env.KAFKA_SASL_PASSWORD) {
    connection.sasl = {
      mechanism: env.KAFKA_SASL_MECHANISM,
      username: env.KAFKA_SASL_USERNAME,
      password: env.KAFKA_SASL_PASSWORD,
    };
  }
  return connection;
}

export function topicDurability(env: KafkaEnvInput): TopicDurability {
  return {
    replicationFactor: env.KAFKA_TOPIC_REPLICATION_FACTOR,
    minInsyncReplicas: env.KAFKA_TOPIC_MIN_INSYNC_REPLICAS,
  };
}
