import type { ConfigResourceTypes, Kafka } from 'kafkajs';
import type { Logger } from 'pino';

export interface TopicSpec {
  topic: string;
  numPartitions: number;
  /** Topic-level configs, e.g. retention.ms. */
  config?: Record<string, string>;
}

/**
 * How many brokers hold each partition, and how many of them must have a write before an acks=all
 * produce succeeds. With 3 and 2, a write the gateway acknowledged is on two brokers and survives the
 * loss of any one; with min.insync.replicas 1, acks=all would mean "on the leader only".
 */
export interface TopicDurability {
  replicationFactor: number;
  minInsyncReplicas: number;
}

/** kafkajs's ConfigResourceTypes.TOPIC (its enum is not visible to ES module imports). */
export const TOPIC_RESOURCE = 2 as ConfigResourceTypes;

/** Producer batches of several MB must fit in one record batch. */
export const MAX_MESSAGE_BYTES = 8 * 1024 * 1024;

/**
 * Creates the topics that do not exist yet; existing topics are left as they are (partition counts
 * are never shrunk, and growing them is an operator's decision: it moves keys between partitions),
 * but one whose min.insync.replicas is below the configured value is reported on `log`.
 */
export async function ensureTopics(
  kafka: Kafka,
  specs: TopicSpec[],
  durability: TopicDurability,
  log?: Logger,
): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const missing = specs.filter((s) => !existing.has(s.topic));
    if (log)
      await warnWeakTopics(
        admin,
        specs.filter((s) => existing.has(s.topic)),
        durability,
        log,
      );
    if (missing.length === 0) return;
    try {
      await admin.createTopics({
        waitForLeaders: true,
        topics: missing.map((s) => ({
          topic: s.topic,
          numPartitions: s.numPartitions,
          replicationFactor: durability.replicationFactor,
          configEntries: Object.entries({
            'max.message.bytes': String(MAX_MESSAGE_BYTES),
            'min.insync.replicas': String(durability.minInsyncReplicas),
            ...s.config,
          }).map(([name, value]) => ({ name, value })),
        })),
      });
    } catch (error) {
      throw await explainCreateFailure(admin, error, durability);
    }
  } finally {
    await admin.disconnect();
  }
}

type Admin = ReturnType<Kafka['admin']>;

/** A replication factor above the broker count is the usual cause: say which variable to change. */
async function explainCreateFailure(
  admin: Admin,
  error: unknown,
  durability: TopicDurability,
): Promise<Error> {
  const brokers = await admin
    .describeCluster()
    .then((c) => c.brokers.length)
    .catch(() => undefined);
  if (brokers === undefined || brokers >= durability.replicationFactor) return error as Error;
  return new Error(
    `cannot create topics with KAFKA_TOPIC_REPLICATION_FACTOR=${durability.replicationFactor}: the cluster has ${brokers} broker(s). ` +
      'Set KAFKA_TOPIC_REPLICATION_FACTOR and KAFKA_TOPIC_MIN_INSYNC_REPLICAS to 1 only for a single-node development broker.',
    { cause: error },
  );
}

async function warnWeakTopics(
  admin: Admin,
  specs: TopicSpec[],
  durability: TopicDurability,
  log: Logger,
): Promise<void> {
  if (specs.length === 0) return;
  const described = await admin.describeConfigs({
    includeSynonyms: false,
    resources: specs.map((s) => ({
      type: TOPIC_RESOURCE,
      name: s.topic,
      configNames: ['min.insync.replicas'],
    })),
  });
  for (const resource of described.resources) {
    const entry = resource.configEntries.find((e) => e.configName === 'min.insync.replicas');
    const value = Number(entry?.configValue);
    if (Number.isInteger(value) && value < durability.minInsyncReplicas) {
      log.warn(
        { topic: resource.resourceName, minInsyncReplicas: value, configured: durability.minInsyncReplicas },
        'existing topic has a lower min.insync.replicas than configured; acks=all is weaker than promised (kafka-configs --alter to raise it)',
      );
    }
  }
}
