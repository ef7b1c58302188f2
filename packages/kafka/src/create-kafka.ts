import type { KafkaConfig, Kafka as KafkaInstance } from 'kafkajs';
import type { Logger } from 'pino';
import { type KafkaConnection, toKafkaJsSecurity } from './kafka-security.ts';
import { Kafka, logLevel } from './kafkajs.ts';

export interface KafkaClientOptions extends KafkaConnection {
  log: Logger;
  /** How long one connection attempt may take before kafkajs gives up on a broker. */
  connectionTimeoutMs?: number;
  /** Retries of one request (metadata, produce, commit) before the call throws. */
  retries?: number;
}

const LEVELS: Record<number, 'error' | 'warn' | 'info' | 'debug'> = {
  [logLevel.ERROR]: 'error',
  [logLevel.WARN]: 'warn',
  [logLevel.INFO]: 'info',
  [logLevel.DEBUG]: 'debug',
};

/**
 * kafkajs with its logs routed into our pino logger, over TLS and SASL when the connection says so.
 * The only place that builds a Kafka client.
 */
export function createKafka(options: KafkaClientOptions): KafkaInstance {
  const log = options.log.child({ component: 'kafkajs' });
  const config: KafkaConfig = {
    clientId: options.clientId,
    brokers: options.brokers,
    ...toKafkaJsSecurity(options),
    connectionTimeout: options.connectionTimeoutMs ?? 3_000,
    requestTimeout: 30_000,
    retry: { retries: options.retries ?? 5, initialRetryTime: 200, maxRetryTime: 5_000 },
    logLevel: logLevel.WARN,
    logCreator:
      () =>
      ({ level, log: entry }) => {
        const { message, ...rest } = entry;
        log[LEVELS[level] ?? 'info'](rest, message);
      },
  };
  return new Kafka(config);
}
