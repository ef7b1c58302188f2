import { CompressionTypes, type Kafka, Partitioners, type Producer } from 'kafkajs';
import type { Logger } from 'pino';

export interface OutgoingMessage {
  key: string;
  value: string;
  headers?: Record<string, string>;
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
}

interface Waiter {
  messages: OutgoingMessage[];
  bytes: number;
  resolve: () => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
  settled: boolean;
}

/**
 * Micro-batches concurrent publishes into few produce requests: kafkajs sends one request per
 * send() call and has no linger. While one request is in flight, every publish that arrives waits
 * and goes out together in the next request, so batches grow with load and latency stays one
 * round trip at low load. Each publish resolves only after the broker acknowledged it with
 * acks=all; the producer is idempotent, so its own retries never duplicate a message.
 */
export class BatchingProducer {
  private producer: Producer;
  /** Set after the producer was replaced: the next send connects it first. */
  private needsConnect = false;
  private readonly queue: Waiter[] = [];
  private inFlight = false;
  private connected = false;
  private closing = false;
  private lastSuccessAt = 0;
  private lastFailureAt = 0;
  private readonly ackTimeoutMs: number;
  private readonly maxBatchBytes: number;

  constructor(
    private readonly kafka: Kafka,
    private readonly options: BatchingProducerOptions,
  ) {
    this.producer = this.createProducer();
    this.ackTimeoutMs = options.ackTimeoutMs ?? 5_000;
    this.maxBatchBytes = options.maxBatchBytes ?? 4 * 1024 * 1024;
  }

  private createProducer(): Producer {
    const producer = this.kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false,
      createPartitioner: Partitioners.DefaultPartitioner,
      // The idempotent producer must not give up on retriable errors (kafkajs warns otherwise);
      // callers are bounded by ackTimeoutMs instead, and get a PublishError when it passes.
      retry: { retries: Number.MAX_SAFE_INTEGER, initialRetryTime: 100, maxRetryTime: 2_000 },
    });
    producer.on(producer.events.DISCONNECT, () => {
      if (producer === this.producer) this.connected = false;
    });
    producer.on(producer.events.CONNECT, () => {
      if (producer === this.producer) this.connected = true;
    });
    return producer;
  }

  /**
   * After a broker restart kafkajs' idempotent producer can lose step with the broker's sequence
   * numbers and then fail every send with OUT_OF_ORDER_SEQUENCE_NUMBER (non-retriable) for ever.
   * A new producer gets a new producer id and starts over; the failed batch was answered 503, its
   * clients retry, and the ledger's dedupe absorbs any copy that did land.
   */
  private async replaceProducer(reason: string): Promise<void> {
    this.options.log.warn({ reason }, 'replacing the Kafka producer (new producer id)');
    const old = this.producer;
    this.producer = this.createProducer();
    this.connected = false;
    this.needsConnect = true;
    await old.disconnect().catch(() => {});
  }

  async connect(): Promise<void> {
    await this.producer.connect();
    this.connected = true;
  }

  /**
   * Connected, and no produce request failed in the last few seconds without a success after it.
   * The window expires so that an idle gateway taken out of rotation is tried again.
   */
  isHealthy(): boolean {
    const recentFailure = this.lastFailureAt > this.lastSuccessAt && Date.now() - this.lastFailureAt < 10_000;
    return this.connected && !recentFailure;
  }

  /** Resolves once Kafka acknowledged every message; rejects with PublishError otherwise. */
  publish(messages: OutgoingMessage[]): Promise<void> {
    if (this.closing) return Promise.reject(new PublishError('producer is shutting down'));
    if (messages.length === 0) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter = {
        messages,
        bytes: messages.reduce((n, m) => n + m.value.length + m.key.length, 0),
        resolve,
        reject,
        settled: false,
        timer: setTimeout(() => {
          this.settle(waiter, new PublishError(`Kafka did not acknowledge within ${this.ackTimeoutMs} ms`));
        }, this.ackTimeoutMs),
      };
      this.queue.push(waiter);
      this.flush();
    });
  }

  private settle(waiter: Waiter, error?: Error): void {
    if (waiter.settled) return;
    waiter.settled = true;
    clearTimeout(waiter.timer);
    if (error) waiter.reject(error);
    else waiter.resolve();
  }

  private flush(): void {
    if (this.inFlight) return;
    const batch: Waiter[] = [];
    let bytes = 0;
    while (this.queue.length > 0) {
      const next = this.queue[0] as Waiter;
      if (next.settled) {
        this.queue.shift();
        continue;
      }
      if (batch.length > 0 && bytes + next.bytes > this.maxBatchBytes) break;
      batch.push(this.queue.shift() as Waiter);
      bytes += next.bytes;
    }
    if (batch.length === 0) return;
    this.inFlight = true;
    void this.send(batch).finally(() => {
      this.inFlight = false;
      this.flush();
    });
  }

  private async send(batch: Waiter[]): Promise<void> {
    // Waiters that timed out are still sent: their client retries with the same request_ids and the
    // ledger deduplicates; skipping them would only make the retry the first copy.
    const messages = batch.flatMap((w) => w.messages);
    try {
      if (this.needsConnect) {
        await this.producer.connect();
        this.needsConnect = false;
        this.connected = true;
      }
      await this.producer.send({
        topic: this.options.topic,
        acks: -1,
        compression: CompressionTypes.None,
        messages: messages.map((m) => ({
          key: m.key,
          value: m.value,
          ...(m.headers ? { headers: m.headers } : {}),
        })),
      });
      this.lastSuccessAt = Date.now();
      for (const w of batch) this.settle(w);
    } catch (error) {
      this.lastFailureAt = Date.now();
      this.options.log.warn({ err: error, messages: messages.length }, 'produce failed');
      const failure = new PublishError('Kafka refused or is unreachable', { cause: error });
      for (const w of batch) this.settle(w, failure);
      const type = (error as { type?: string }).type ?? '';
      if (PRODUCER_STATE_ERRORS.has(type)) await this.replaceProducer(type);
    }
  }

  /**
   * Stops taking publishes, lets queued and in-flight ones finish (each within its own ack timeout),
   * then disconnects. Call after the HTTP server stopped accepting requests.
   */
  async disconnect(): Promise<void> {
    this.closing = true;
    const deadline = Date.now() + this.ackTimeoutMs;
    while ((this.inFlight || this.queue.length > 0) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 10));
    }
    for (const w of this.queue.splice(0)) this.settle(w, new PublishError('producer is shutting down'));
    await this.producer.disconnect();
    this.connected = false;
  }
}
