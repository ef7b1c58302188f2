import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  BufferedConsumer,
  type BufferedConsumerOptions,
  createKafka,
  ensureTopics,
  getConsumerLag,
  type Kafka,
} from '@spend-ledger/kafka';
import { createLogger } from '@spend-ledger/platform';
import { LOCAL_TOPIC_DURABILITY, uniqueSuffix, waitUntil } from '@spend-ledger/testing';
import { KAFKA_BROKERS } from './support/pipeline.ts';

const log = createLogger({ service: 'test', level: process.env.TEST_LOG_LEVEL ?? 'silent' });

/**
 * The buffered consumer against the real broker: its own topic and group per test. Items are the
 * message values; prepare joins a window into one array, flush records it.
 */
describe('BufferedConsumer', () => {
  let kafka: Kafka;
  const consumers: BufferedConsumer<string, string[]>[] = [];

  before(() => {
    kafka = createKafka({ brokers: [KAFKA_BROKERS], clientId: 'buffered-consumer-test', log });
  });
  after(async () => {
    for (const c of consumers) await c.stop().catch(() => {});
  });

  async function produce(topic: string, values: string[]): Promise<void> {
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({ topic, acks: -1, messages: values.map((value) => ({ key: value, value })) });
    await producer.disconnect();
  }

  async function topicWith(values: string[]): Promise<{ topic: string; groupId: string }> {
    const suffix = uniqueSuffix();
    const topic = `buffered-consumer-test-${suffix}`;
    await ensureTopics(kafka, [{ topic, numPartitions: 2 }], LOCAL_TOPIC_DURABILITY);
    await produce(topic, values);
    return { topic, groupId: `buffered-consumer-test-${suffix}` };
  }

  const numbered = (from: number, count: number) => Array.from({ length: count }, (_, i) => `m${from + i}`);
  const untilTrue = (probe: () => boolean, description: string) =>
    waitUntil(() => probe() || undefined, { description, timeoutMs: 30_000, intervalMs: 20 });

  function consumer(
    topic: string,
    groupId: string,
    overrides: Partial<BufferedConsumerOptions<string, string[]>>,
  ): BufferedConsumer<string, string[]> {
    const c = new BufferedConsumer<string, string[]>(kafka, {
      groupId,
      topic,
      log,
      sessionTimeoutMs: 10_000,
      flushMaxItems: 10,
      flushMaxWaitMs: 50,
      decode: async (batch) => batch.messages.map((m) => String(m.value)),
      prepare: (items) => [...items],
      flush: async () => {},
      ...overrides,
    });
    consumers.push(c);
    return c;
  }

  const committedAll = (topic: string, groupId: string) =>
    waitUntil(
      async () => (await getConsumerLag(kafka, groupId, topic)).every((p) => p.lag === 0) || undefined,
      {
        description: 'the group to commit everything',
        timeoutMs: 60_000,
        intervalMs: 100,
      },
    );

  it('restarts itself after a crash that kafkajs does not restart, and loses nothing', async () => {
    const values = numbered(0, 30);
    const { topic, groupId } = await topicWith(values);
    const flushed = new Set<string>();
    let crashes = 0;
    const c = consumer(topic, groupId, {
      decode: async (batch) => {
        // A plain Error is not retriable for kafkajs: it stops the consumer for good.
        if (crashes === 0) {
          crashes += 1;
          throw new Error('decoder bug');
        }
        return batch.messages.map((m) => String(m.value));
      },
      flush: async (items) => {
        for (const item of items) flushed.add(item);
      },
    });
    await c.start();
    await committedAll(topic, groupId);
    assert.equal(crashes, 1);
    assert.deepEqual([...flushed].sort(), [...values].sort());
  });

  it('prepares the next window while the previous one is written, and flushes in order', async () => {
    const values = numbered(0, 40);
    const { topic, groupId } = await topicWith(values);
    const events: string[] = [];
    let writing = 0;
    let preparedWhileWriting = 0;
    let release: () => void = () => {};
    const firstFlushHeld = new Promise<void>((r) => {
      release = r;
    });
    let flushes = 0;
    const c = consumer(topic, groupId, {
      prepare: (items) => {
        if (writing > 0) preparedWhileWriting += 1;
        return [...items];
      },
      flush: async (items) => {
        assert.equal(writing, 0, 'two windows written at once');
        writing += 1;
        flushes += 1;
        if (flushes === 1) await firstFlushHeld;
        events.push(...items);
        writing -= 1;
      },
    });
    await c.start();
    await untilTrue(() => writing > 0, 'the first window to be written');
    const more = numbered(40, 40);
    await produce(topic, more);
    await untilTrue(() => preparedWhileWriting > 0, 'a window prepared while the first one is held');
    release();
    await committedAll(topic, groupId);
    assert.deepEqual([...new Set(events)].sort(), [...values, ...more].sort());
  });

  it('with two windows in flight, commits in window order whichever write finishes first', async () => {
    const { topic, groupId } = await topicWith(numbered(0, 40));
    const started: number[] = [];
    const order: number[] = [];
    let flushes = 0;
    let secondDone = false;
    let committedEarly: unknown;
    const c = consumer(topic, groupId, {
      windowsInFlight: 2,
      flush: async (items) => {
        flushes += 1;
        started.push(items.length);
        if (flushes === 1) {
          await untilTrue(() => secondDone, 'the second window to be written first');
          // The second window is durable, but its offsets must wait for this one's.
          committedEarly = await waitUntil(
            async () =>
              (await getConsumerLag(kafka, groupId, topic)).find((p) => p.committed !== '-1') ?? undefined,
            { description: 'an early commit', timeoutMs: 1_500, intervalMs: 50 },
          ).catch(() => undefined);
        } else secondDone = true;
      },
      onFlush: ({ items }) => order.push(items),
    });
    await c.start();
    await untilTrue(() => flushes === 1, 'the first window to be written');
    const more = numbered(40, 25);
    await produce(topic, more);
    await committedAll(topic, groupId);
    assert.equal(committedEarly, undefined, `nothing committed while the first window was pending`);
    assert.deepEqual(order, started, 'windows committed in the order they were started');
    assert.equal(
      order.reduce((a, b) => a + b, 0),
      65,
    );
  });

  it('commits nothing past a window abandoned at shutdown', async () => {
    const { topic, groupId } = await topicWith(numbered(0, 40));
    const flushed: string[][] = [];
    let prepared = 0;
    const c = consumer(topic, groupId, {
      prepare: (items) => {
        prepared += 1;
        return [...items];
      },
      // The ledger is down: every attempt fails until the consumer stops, then the window is given up.
      flush: async (items, control) => {
        while (control.shouldContinue()) await new Promise((r) => setTimeout(r, 20));
        flushed.push(items);
        throw new Error('database unavailable');
      },
    });
    await c.start();
    await untilTrue(() => prepared === 1, 'the first window to be prepared');
    await produce(topic, numbered(40, 40));
    await untilTrue(() => prepared >= 2, 'a second window prepared behind the failing one');
    await c.stop();
    assert.equal(flushed.length, 1, 'no window flushed after the abandoned one');
    const lag = await getConsumerLag(kafka, groupId, topic);
    assert.ok(
      lag.every((p) => p.committed === '-1'),
      `nothing committed: ${JSON.stringify(lag)}`,
    );
  });
});
