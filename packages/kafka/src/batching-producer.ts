import type { Kafka, Producer } from 'kafkajs';
import type { Logger } from 'pino';
import { coalesceRecords } from './coalesce-records.ts';
import type { KafkaCompression } from './compression.ts';
import { COMPRESSION_TYPE } from './kafkajs.ts';
import { CachedKeyPartitioner, createKeyHasher } from './key-partitioner.ts';

export interface OutgoingMessage {
  key: string;
  /** Text, or bytes (an event forwarded as its sender wrote it); kafkajs sends either as is. */
  value: string | Buffer;
  headers?: Record<string, string>;
  /** Set only for coalesced records; otherwise the partitioner picks it from the key. */
  partition?: number;
}

/**
 * Coalescing: the messages of one produce request that go to the same partition are sent as a few
 * records that each carry many of them, because kafkajs' cost is per record. The partition is the
 * one each message's key maps to, so every message lands where it would have landed alone.
 */
export interface CoalescingOptions {
  /** Builds one record value from the values of several messages bound for one partition. */
  combine: (values: Array<string | Buffer>) => string | Buffer;
  /** Headers of a combined record (e.g. its format version). */
  headers: Record<string, string>;
  /** Upper bound of one combined record's value, in characters or bytes. Default 512 KiB. */
  maxRecordBytes?: number;
  /** Upper bound of the messages in one combined record. Default: none (bytes alone). */
  maxRecordMessages?: number;
}

/** Kafka did not acknowledge in time or refused: the caller must not report success. */
export class PublishError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'PublishError';
  }
}

/** Errors after which the idempotent producer's id and sequence state are no use: start a new one. */
const PRODUCER_STATE_ERRORS = new Set([
  'OUT_OF_ORDER_SEQUENCE_NUMBER',
  'UNKNOWN_PRODUCER_ID',
  'INVALID_PRODUCER_EPOCH',
]);

export interface BatchingProducerOptions {
  topic: string;
  log: Logger;
  /** A publish that is not acknowledged within this time is rejected (the client retries). */
  ackTimeoutMs?: number;
  /** Upper bound of one produce request, in bytes of message values. */
  maxBatchBytes?: number;
  /**
   * Idempotent producers used side by side, each with one produce request in flight (kafkajs
   * serialises an idempotent producer's requests per broker). Default 1.
   */
  producers?: number;
  /**
   * How long a publish may wait for others to join its produce request while a producer is idle.
   * 0 (default) sends at once; a publish that arrives while every producer is busy waits anyway.
   */
  lingerMs?: number;
  /** Combine the messages bound for one partition into few records; off when undefined. */
  coalesce?: CoalescingOptions;
  /** Record batch compression (every consumer here reads each of them). Default none. */
  compression?: KafkaCompression;
}

interface Waiter {
  messages: OutgoingMessage[];
  bytes: number;
  resolve: () => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
  settled: boolean;
}

/** One idempotent producer and its single produce request in flight. */
interface Lane {
  id: number;
  producer: Producer;
  inFlight: boolean;
  connected: boolean;
  /** Set after the producer was replaced: the next send connects it first. */
  needsConnect: boolean;
}

/**
 * Micro-batches concurrent publishes into few produce requests: kafkajs sends one request per
 * send() call and has no linger. Each of a small pool of idempotent producers keeps at most one
 * request in flight; every publish that arrives while all are busy waits and goes out in the next
 * request of the first producer to finish, so batches grow with load and latency stays one round
 * trip at low load. Each publish resolves only after the broker acknowledged it with acks=all;
 * every producer is idempotent (its own producer id and sequence numbers), so its own retries never
 * duplicate a message.
 */
export class BatchingProducer {
  private readonly lanes: Lane[];
  private readonly queue: Waiter[] = [];
  private queuedBytes = 0;
  private lingerTimer: NodeJS.Timeout | undefined;
  private closing = false;
  private lastSuccessAt = 0;
  private lastFailureAt = 0;
  private readonly ackTimeoutMs: number;
  private readonly maxBatchBytes: number;
  private readonly lingerMs: number;
  private readonly compression: number;
  /** The topic's partition count, needed to coalesce; learned at connect, refreshed on a timer. */
  private partitionCount = 0;
  private metadataTimer: NodeJS.Timeout | undefined;
  private readonly hashKey = createKeyHasher();

  constructor(
    private readonly kafka: Kafka,
    private readonly options: BatchingProducerOptions,
  ) {
    this.ackTimeoutMs = options.ackTimeoutMs ?? 5_000;
    this.maxBatchBytes = options.maxBatchBytes ?? 4 * 1024 * 1024;
    this.lingerMs = options.lingerMs ?? 0;
    this.compression = COMPRESSION_TYPE[options.compression ?? 'none'];
    const count = Math.max(1, options.producers ?? 1);
    this.lanes = [];
    for (let id = 0; id < count; id++) {
      const lane: Lane = {
        id,
        producer: undefined as unknown as Producer,
        inFlight: false,
        connected: false,
        needsConnect: false,
      };
      lane.producer = this.createProducer(lane);
      this.lanes.push(lane);
    }
  }

  private createProducer(lane: Lane): Producer {
    const producer = this.kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false,
      createPartitioner: CachedKeyPartitioner,
      // The idempotent producer must not give up on retriable errors (kafkajs warns otherwise);
      // callers are bounded by ackTimeoutMs instead, and get a PublishError when it passes.
      retry: { retries: Number.MAX_SAFE_INTEGER, initialRetryTime: 100, maxRetryTime: 2_000 },
    });
    producer.on(producer.events.DISCONNECT, () => {
      if (producer === lane.producer) lane.connected = false;
    });
    producer.on(producer.events.CONNECT, () => {
      if (producer === lane.producer) lane.connected = true;
    });
    return producer;
  }

  /**
   * After a broker restart kafkajs' idempotent producer can lose step with the broker's sequence
   * numbers and then fail every send with OUT_OF_ORDER_SEQUENCE_NUMBER (non-retriable) for ever.
   * A new producer gets a new producer id and starts over; the failed batch was answered 503, its
   * clients retry, and the ledger's dedupe absorbs any copy that did land.
   */
  private async replaceProducer(lane: Lane, reason: string): Promise<void> {
    this.options.log.warn({ reason, producer: lane.id }, 'replacing the Kafka producer (new producer id)');
    const old = lane.producer;
    lane.producer = this.createProducer(lane);
    lane.connected = false;
    lane.needsConnect = true;
    await old.disconnect().catch(() => {});
  }

  async connect(): Promise<void> {
    await Promise.all(
      this.lanes.map(async (lane) => {
        await lane.producer.connect();
        lane.connected = true;
      }),
    );
    if (this.options.coalesce) {
      await this.refreshPartitionCount();
      // Partitions are added rarely, by an operator; a minute's delay only means that until then
      // keys keep the partitions they had, as they do for any producer with stale metadata.
      this.metadataTimer = setInterval(() => void this.refreshPartitionCount(), 60_000);
      this.metadataTimer.unref();
    }
  }

  private async refreshPartitionCount(): Promise<void> {
    const admin = this.kafka.admin();
    try {
      await admin.connect();
      const { topics } = await admin.fetchTopicMetadata({ topics: [this.options.topic] });
      this.partitionCount = topics[0]?.partitions.length ?? 0;
    } catch (error) {
      // Without a count the producer sends one record per message: slower, never wrong.
      this.options.log.warn({ err: error }, 'could not read the topic partition count; not coalescing');
    } finally {
      await admin.disconnect().catch(() => {});
    }
  }

  /** The records that carry `messages`: one per message, or combined per partition. */
  private toRecords(messages: OutgoingMessage[]): OutgoingMessage[] {
    const coalesce = this.options.coalesce;
    const count = this.partitionCount;
    if (!coalesce || count === 0 || messages.length < 2) return messages;
    return coalesceRecords(messages, count, this.hashKey, coalesce);
  }

  /**
   * Connected, and no produce request failed in the last few seconds without a success after it.
   * The window expires so that an idle gateway taken out of rotation is tried again.
   */
  isHealthy(): boolean {
    const recentFailure = this.lastFailureAt > this.lastSuccessAt && Date.now() - this.lastFailureAt < 10_000;
    return this.lanes.every((lane) => lane.connected) && !recentFailure;
  }

  /** Resolves once Kafka acknowledged every message; rejects with PublishError otherwise. */
  publish(messages: OutgoingMessage[]): Promise<void> {
    if (this.closing) return Promise.reject(new PublishError('producer is shutting down'));
    if (messages.length === 0) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      let bytes = 0;
      for (const m of messages) bytes += m.value.length + m.key.length;
      const waiter: Waiter = {
        messages,
        bytes,
        resolve,
        reject,
        settled: false,
        timer: setTimeout(() => {
          this.settle(waiter, new PublishError(`Kafka did not acknowledge within ${this.ackTimeoutMs} ms`));
        }, this.ackTimeoutMs),
      };
      this.queue.push(waiter);
      this.queuedBytes += bytes;
      if (this.lingerMs > 0 && this.queuedBytes < this.maxBatchBytes) {
        this.lingerTimer ??= setTimeout(() => {
          this.lingerTimer = undefined;
          this.flush();
        }, this.lingerMs);
      } else {
        this.flush();
      }
    });
  }

  private settle(waiter: Waiter, error?: Error): void {
    if (waiter.settled) return;
    waiter.settled = true;
    clearTimeout(waiter.timer);
    if (error) waiter.reject(error);
    else waiter.resolve();
  }

  /** Hands queued publishes to idle producers, one produce request each. */
  private flush(): void {
    while (this.queue.length > 0) {
      const lane = this.lanes.find((l) => !l.inFlight);
      if (!lane) return;
      const batch = this.takeBatch();
      if (batch.length === 0) return;
      lane.inFlight = true;
      void this.send(lane, batch).finally(() => {
        lane.inFlight = false;
        // Whatever queued meanwhile has waited a round trip already: no linger for it.
        this.flush();
      });
    }
  }

  private takeBatch(): Waiter[] {
    const batch: Waiter[] = [];
    let bytes = 0;
    let taken = 0;
    while (taken < this.queue.length) {
      const next = this.queue[taken] as Waiter;
      if (next.settled) {
        taken++;
        this.queuedBytes -= next.bytes;
        continue;
      }
      if (batch.length > 0 && bytes + next.bytes > this.maxBatchBytes) break;
      batch.push(next);
      bytes += next.bytes;
      taken++;
      this.queuedBytes -= next.bytes;
    }
    this.queue.splice(0, taken);
    return batch;
  }

  private async send(lane: Lane, batch: Waiter[]): Promise<void> {
    // Waiters that timed out are still sent: their client retries with the same request_ids and the
    // ledger deduplicates; skipping them would only make the retry the first copy.
    let messages: OutgoingMessage[];
    if (batch.length === 1) messages = (batch[0] as Waiter).messages;
    else {
      messages = [];
      for (const w of batch) for (const m of w.messages) messages.push(m);
    }
    try {
      if (lane.needsConnect) {
        await lane.producer.connect();
        lane.needsConnect = false;
        lane.connected = true;
      }
      // OutgoingMessage is a kafkajs Message (string key, string or Buffer value, string headers).
      await lane.producer.send({
        topic: this.options.topic,
        acks: -1,
        compression: this.compression,
        messages: this.toRecords(messages),
      });
      this.lastSuccessAt = Date.now();
      for (const w of batch) this.settle(w);
    } catch (error) {
      this.lastFailureAt = Date.now();
      this.options.log.warn({ err: error, messages: messages.length, producer: lane.id }, 'produce failed');
      const failure = new PublishError('Kafka refused or is unreachable', { cause: error });
      for (const w of batch) this.settle(w, failure);
      const type = (error as { type?: string }).type ?? '';
      if (PRODUCER_STATE_ERRORS.has(type)) await this.replaceProducer(lane, type);
    }
  }

  /**
   * Stops taking publishes, lets queued and in-flight ones finish (each within its own ack timeout),
   * then disconnects. Call after the HTTP server stopped accepting requests.
   */
  async disconnect(): Promise<void> {
    this.closing = true;
    if (this.metadataTimer) clearInterval(this.metadataTimer);
    if (this.lingerTimer) {
      clearTimeout(this.lingerTimer);
      this.lingerTimer = undefined;
      this.flush();
    }
    const deadline = Date.now() + this.ackTimeoutMs;
    while ((this.lanes.some((l) => l.inFlight) || this.queue.length > 0) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 10));
    }
    for (const w of this.queue.splice(0)) this.settle(w, new PublishError('producer is shutting down'));
    this.queuedBytes = 0;
    await Promise.all(this.lanes.map((lane) => lane.producer.disconnect()));
    for (const lane of this.lanes) lane.connected = false;
  }
}
