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
  private readonly producer: Producer;
  private readonly queue: Waiter[] = [];
  private inFlight = false;
  private connected = false;
  private closing = false;
  private lastSuccessAt = 0;
  private lastFailureAt = 0;
  private readonly ackTimeoutMs: number;
  private readonly maxBatchBytes: number;

  constructor(
    kafka: Kafka,
    private readonly options: BatchingProducerOptions,
  ) {
    this.producer = kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false,
      createPartitioner: Partitioners.DefaultPartitioner,
      // The idempotent producer must not give up on retriable errors (kafkajs warns otherwise);
      // callers are bounded by ackTimeoutMs instead, and get a PublishError when it passes.
      retry: { retries: Number.MAX_SAFE_INTEGER, initialRetryTime: 100, maxRetryTime: 2_000 },
    });
    this.producer.on(this.producer.events.DISCONNECT, () => {
      this.connected = false;
    });
    this.producer.on(this.producer.events.CONNECT, () => {
      this.connected = true;
    });
    this.ackTimeoutMs = options.ackTimeoutMs ?? 5_000;
    this.maxBatchBytes = options.maxBatchBytes ?? 4 * 1024 * 1024;
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
