import type { Secret } from '@spend-ledger/platform';
import type { KafkaConfig, SASLOptions } from 'kafkajs';

export type SaslMechanism = 'plain' | 'scram-sha-256' | 'scram-sha-512';

/** TLS to the brokers. Without `ca`, Node's public roots verify the brokers' certificates. */
export interface KafkaTls {
  /** PEM CA bundle that signed the brokers' certificates. */
  ca?: string;
  /** PEM client certificate and key, for brokers that require mutual TLS. */
  cert?: string;
  key?: Secret;
  /** false accepts any certificate: for a test broker only, never in production. */
  rejectUnauthorized: boolean;
}

export interface KafkaSasl {
  mechanism: SaslMechanism;
  username: string;
  password: Secret;
}

/** How every Kafka client of ours reaches the cluster. */
export interface KafkaConnection {
  brokers: string[];
  clientId: string;
  tls?: KafkaTls;
  sasl?: KafkaSasl;
}

/**
 * The kafkajs `ssl` and `sasl` options for a connection. The only place where the password and the
 * private key leave their Secret wrappers.
 */
export function toKafkaJsSecurity(
  connection: Pick<KafkaConnection, 'tls' | 'sasl'>,
): Pick<KafkaConfig, 'ssl' | 'sasl'> {
  const { tls, sasl } = connection;
  const out: Pick<KafkaConfig, 'ssl' | 'sasl'> = {};
  if (tls) {
    out.ssl = {
      rejectUnauthorized: tls.rejectUnauthorized,
      ...(tls.ca === undefined ? {} : { ca: [tls.ca] }),
      ...(tls.cert === undefined ? {} : { cert: tls.cert }),
      ...(tls.key === undefined ? {} : { key: tls.key.reveal() }),
    };
  }
  if (sasl) out.sasl = toSaslOptions(sasl);
  return out;
}

function toSaslOptions(sasl: KafkaSasl): SASLOptions {
  const credentials = { username: sasl.username, password: sasl.password.reveal() };
  switch (sasl.mechanism) {
    case 'plain':
      return { mechanism: 'plain', ...credentials };
    case 'scram-sha-256':
      return { mechanism: 'scram-sha-256', ...credentials };
    case 'scram-sha-512':
      return { mechanism: 'scram-sha-512', ...credentials };
  }
}
