/**
 * The local development broker (deploy/kafka/kafka.sh, the fault suite's broker) is a single node:
 * topics on it can have one replica only. This is the one place tests and benches say so; the
 * services' defaults (3 replicas, 2 in sync) are for production.
 */
export const LOCAL_TOPIC_DURABILITY = { replicationFactor: 1, minInsyncReplicas: 1 } as const;

/** The same, as the services' environment variables. */
export const LOCAL_BROKER_ENV = {
  KAFKA_TOPIC_REPLICATION_FACTOR: '1',
  KAFKA_TOPIC_MIN_INSYNC_REPLICAS: '1',
} as const;
