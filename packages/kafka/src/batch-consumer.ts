import type { Consumer, Kafka, KafkaMessage } from 'kafkajs';
import type { Logger } from 'pino';

export interface PartitionBatch {
  topic: string;
  partition: number;
  messages: KafkaMessage[];
  /** The broker's high watermark for the partition when the batch was fetched (for lag). */
  highWatermark: string;
}

export interface BatchControl {
  /** Keeps the group membership alive during long work (kafkajs has no background heartbeat). */
  heartbeat: () => Promise<void>;
  /** False once the consumer is stopping or lost the partition: abandon the work, commit nothing. */
  shouldContinue: () => boolean;
}

/** Processes one partition batch. Resolving means: everything in it is durable; commit it. */
export type BatchHandler = (batch: PartitionBatch, control: BatchControl) => Promise<void>;

export interface BatchConsumerOptions {
  groupId: string;
  topic: string;
  log: Logger;
  handler: BatchHandler;
  /** Partitions worked on at once by this process. */
  partitionsConcurrently?: number;
  sessionTimeoutMs?: number;
  maxBytesPerPartition?: number;
  /** Called whenever partition assignment changes (joined, rebalanced, left). */
  onGroupChange?: (event: { type: 'joined' | 'left' | 'crashed'; partitions: number[] }) => void;
}

/**
 * A consumer-group member that commits a partition's offset only after the handler resolved for
 * the batch, so a crash anywhere before that redelivers the batch (and the ledger's dedupe absorbs
 * it). Offsets are committed explicitly; kafkajs' auto-commit is off.
 */
export class BatchConsumer {
  readonly consumer: Consumer;
  private running = false;

  constructor(
    kafka: Kafka,
    private readonly options: BatchConsumerOptions,
  ) {
    this.consumer = kafka.consumer({
      groupId: options.groupId,
      sessionTimeout: options.sessionTimeoutMs ?? 30_000,
      heartbeatInterval: 3_000,
      maxBytesPerPartition: options.maxBytesPerPartition ?? 8 * 1024 * 1024,
      maxBytes: 32 * 1024 * 1024,
      maxWaitTimeInMs: 500,
      allowAutoTopicCreation: false,
    });
    const { GROUP_JOIN, STOP, CRASH } = this.consumer.events;
    this.consumer.on(GROUP_JOIN, (e) => {
      const partitions = e.payload.memberAssignment[options.topic] ?? [];
      options.log.info({ partitions, generation: e.payload.groupId }, 'joined consumer group');
      options.onGroupChange?.({ type: 'joined', partitions });
    });
    this.consumer.on(STOP, () => options.onGroupChange?.({ type: 'left', partitions: [] }));
    this.consumer.on(CRASH, (e) => {
      options.log.error({ err: e.payload.error, restart: e.payload.restart }, 'consumer crashed');
      options.onGroupChange?.({ type: 'crashed', partitions: [] });
    });
  }

  async start(): Promise<void> {
    await this.consumer.connect();
    await this.consumer.subscribe({ topic: this.options.topic, fromBeginning: true });
    this.running = true;
    await this.consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: this.options.partitionsConcurrently ?? 1,
      eachBatch: async ({ batch, heartbeat, isRunning, isStale, resolveOffset }) => {
        if (batch.messages.length === 0) return;
        const shouldContinue = () => this.running && isRunning() && !isStale();
        try {
          await this.options.handler(
            {
              topic: batch.topic,
              partition: batch.partition,
              messages: batch.messages,
              highWatermark: batch.highWatermark,
            },
            { heartbeat, shouldContinue },
          );
        } catch (error) {
          // A handler that gave up because we are stopping or lost the partition: commit nothing.
          if (!shouldContinue()) return;
          throw error;
        }
        // Commit even when stopping (what is in Postgres should not be redone), but never for a
        // partition that a rebalance already gave to another member.
        if (isStale()) return;
        const last = batch.lastOffset();
        resolveOffset(last);
        try {
          await this.consumer.commitOffsets([
            { topic: batch.topic, partition: batch.partition, offset: (BigInt(last) + 1n).toString() },
          ]);
        } catch (error) {
          // Not fatal: the batch is redelivered and the ledger's dedupe absorbs it.
          this.options.log.warn({ err: error, partition: batch.partition }, 'offset commit failed');
          if (!shouldContinue()) return;
          throw error;
        }
        await heartbeat();
      },
    });
  }

  /** Stops fetching, lets the batch in flight finish or abandon, and leaves the group. */
  async stop(): Promise<void> {
    this.running = false;
    await this.consumer.disconnect();
  }
}
