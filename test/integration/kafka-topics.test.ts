import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createKafka, ensureTopics, type Kafka, TOPIC_RESOURCE } from '@spend-ledger/kafka';
import { createLogger } from '@spend-ledger/platform';
import { LOCAL_TOPIC_DURABILITY, uniqueSuffix } from '@spend-ledger/testing';
import { KAFKA_BROKERS } from './support/pipeline.ts';

const log = createLogger({ service: 'test', level: 'silent' });

describe('topic creation on the real broker', () => {
  let kafka: Kafka;
  const created: string[] = [];

  before(() => {
    kafka = createKafka({ brokers: [KAFKA_BROKERS], clientId: 'topics-test', log });
  });

  after(async () => {
    const admin = kafka.admin();
    await admin.connect();
    await admin.deleteTopics({ topics: created }).catch(() => {});
    await admin.disconnect();
  });

  async function readTopic(topic: string) {
    const admin = kafka.admin();
    await admin.connect();
    try {
      const [meta] = (await admin.fetchTopicMetadata({ topics: [topic] })).topics;
      const configs = await admin.describeConfigs({
        includeSynonyms: false,
        resources: [{ type: TOPIC_RESOURCE, name: topic, configNames: ['min.insync.replicas'] }],
      });
      return {
        replicas: meta?.partitions[0]?.replicas.length,
        minInsync: configs.resources[0]?.configEntries[0]?.configValue,
      };
    } finally {
      await admin.disconnect();
    }
  }

  it('sets the replication factor and min.insync.replicas it is given', async () => {
    const topic = `topics-test-${uniqueSuffix()}`;
    created.push(topic);
    await ensureTopics(kafka, [{ topic, numPartitions: 1 }], LOCAL_TOPIC_DURABILITY, log);
    assert.deepEqual(await readTopic(topic), { replicas: 1, minInsync: '1' });
  });

  it('explains a replication factor the cluster cannot hold, naming the variable', async () => {
    const topic = `topics-test-${uniqueSuffix()}`;
    await assert.rejects(
      ensureTopics(kafka, [{ topic, numPartitions: 1 }], { replicationFactor: 3, minInsyncReplicas: 2 }),
      (e: Error) =>
        e.message.includes('KAFKA_TOPIC_REPLICATION_FACTOR=3') && e.message.includes('1 broker(s)'),
    );
  });

  it('warns about an existing topic weaker than configured, and leaves it as it is', async () => {
    const topic = `topics-test-${uniqueSuffix()}`;
    created.push(topic);
    await ensureTopics(kafka, [{ topic, numPartitions: 1 }], LOCAL_TOPIC_DURABILITY);
    const lines: string[] = [];
    const capture = createLogger({ service: 't', destination: { write: (l: string) => lines.push(l) } });
    await ensureTopics(
      kafka,
      [{ topic, numPartitions: 1 }],
      { replicationFactor: 3, minInsyncReplicas: 2 },
      capture,
    );
    const warning = lines.map((l) => JSON.parse(l)).find((l) => l.topic === topic);
    assert.equal(warning?.minInsyncReplicas, 1);
    assert.equal(warning?.configured, 2);
    assert.deepEqual(await readTopic(topic), { replicas: 1, minInsync: '1' });
  });
});
