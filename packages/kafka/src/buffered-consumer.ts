import type { Consumer, ConsumerRunConfig, Kafka, KafkaMessage } from 'kafkajs';
import type { Logger } from 'pino';

export interface PartitionBatch {
  topic: string;
  partition: number;
  messages: KafkaMessage[];
}

export interface DecodeControl {
  /** Keeps the group membership alive during long work (kafkajs has no background heartbeat). */
  heartbeat: () => Promise<void>;
  /** False once the consumer is stopping or lost the partition: give up, nothing is committed. */
  shouldContinue: () => boolean;
}

export interface FlushControl {
  /** False once the consumer is stopping: give up retrying; nothing will be committed. */
  shouldContinue: () => boolean;
}

export interface BufferedConsumerOptions<T, P = T[]> {
  groupId: string;
  topic: string;
  log: Logger;
  /**
   * Turns one fetched batch into items to buffer (and deals with messages it cannot use, e.g. by
   * dead-lettering them durably before it resolves).
   */
  decode: (batch: PartitionBatch, control: DecodeControl) => Promise<T[]>;
  /**
   * CPU work on a closed window (e.g. aggregation and encoding), done while the previous window is
   * still being flushed. Must not fail for any items decode returned. `partitions` are the
   * partitions the window's items were read from (never empty), which this process owns.
   */
  prepare: (items: T[], partitions: readonly number[]) => P;
  /** Makes a prepared window durable; must resolve only when it is, retrying as long as it should. */
  flush: (prepared: P, control: FlushControl) => Promise<void>;
  /** Flush once this many items are buffered... */
  flushMaxItems?: number;
  /** ...or this long after the first item arrived. */
  flushMaxWaitMs?: number;
  /**
   * Windows written at once. More than one overlaps one write's round trips and waits with the
   * next's work; the flush must then be safe to run concurrently with itself. Default 1.
   */
  windowsInFlight?: number;
  /** Partitions whose batches are decoded at once by this process. */
  partitionsConcurrently?: number;
  sessionTimeoutMs?: number;
  maxBytesPerPartition?: number;
  /**
   * Bytes of one fetch response (all partitions). kafkajs holds a whole response, and the records it
   * decodes from it, until every batch in it was handed over. Default 8 MiB.
   */
  maxBytes?: number;
  /** Called whenever partition assignment changes (joined, rebalanced, left). */
  onGroupChange?: (event: { type: 'joined' | 'left' | 'crashed'; partitions: number[] }) => void;
  onFlush?: (stats: { items: number; partitions: number; seconds: number }) => void;
}

interface Window<T> {
  items: T[];
  /** Next offset to commit per partition: last offset of the newest buffered batch + 1. */
  offsets: Map<number, string>;
  openedAt: number;
}

/** How often an idle consumer re-commits its last offsets (see `lastCommitted`). */
const RECOMMIT_IDLE_MS = 3_000;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Sets a partition's next offset to `offset` unless it already holds a higher one. */
function raiseOffset(offsets: Map<number, string>, partition: number, offset: string): void {
  const known = offsets.get(partition);
  if (known === undefined || BigInt(known) < BigInt(offset)) offsets.set(partition, offset);
}

/**
 * A consumer-group member that writes in flush windows spanning several fetched batches of several
 * partitions, and commits each partition's offset only after the window holding its messages was
 * flushed. Bigger windows collapse more aggregate rows per database write, and decoding and
 * preparing the next window overlap with writing the current ones.
 *
 * Why this is safe: an offset is committed only for messages whose window is durable, and windows
 * commit strictly in order (none after an abandoned one), so commits only move forward over durable
 * data. A crash or a
 * rebalance redelivers whatever was buffered but not committed; the sink must be idempotent (the
 * ledger deduplicates by request_id). kafkajs' auto-commit is off.
 */
export class BufferedConsumer<T, P = T[]> {
  readonly consumer: Consumer;
  private current: Window<T> = this.emptyWindow();
  /**
   * Offsets of durable windows whose commit failed, retried with the next commit (or after a second
   * when idle). Without this a failed commit on a partition that then goes quiet would leave the
   * group lagging for ever, though every message is in the ledger.
   */
  private uncommitted = new Map<number, string>();
  /**
   * The newest offset committed per partition this process owns, re-committed every few seconds
   * while idle. kafkajs' commitOffsets resolves WITHOUT committing when its runner is between
   * generations (a rebalance: `if (!this.running) return`), so a window committed at that moment
   * would otherwise leave its partition lagging for ever once the partition goes quiet (seen in
   * the fault suite's Postgres-restart scenario, where the outage overlaps a rebalance).
   */
  private lastCommitted = new Map<number, string>();
  private lastRecommitAt = 0;
  private running = false;
  private stopping = false;
  /** Windows being written (at most `windowsInFlight`), each with its commit. */
  private readonly inFlight = new Set<Promise<void>>();
  /** The newest window's task: each window commits only after the one before it has. */
  private tail: Promise<void> = Promise.resolve();
  /** A window was abandoned at shutdown: it is not durable, so no later window may commit past it. */
  private abandoned = false;
  private readonly windowsInFlight: number;
  private wake: (() => void) | undefined;
  /** Restarts since the consumer last joined the group: the back-off exponent. */
  private restarts = 0;
  private loop: Promise<void> | undefined;
  private readonly maxItems: number;
  private readonly maxWaitMs: number;

  constructor(
    kafka: Kafka,
    private readonly options: BufferedConsumerOptions<T, P>,
  ) {
    this.maxItems = options.flushMaxItems ?? 20_000;
    this.maxWaitMs = options.flushMaxWaitMs ?? 250;
    this.windowsInFlight = Math.max(1, options.windowsInFlight ?? 1);
    this.consumer = kafka.consumer({
      groupId: options.groupId,
      sessionTimeout: options.sessionTimeoutMs ?? 30_000,
      heartbeatInterval: 3_000,
      maxBytesPerPartition: options.maxBytesPerPartition ?? 2 * 1024 * 1024,
      maxBytes: options.maxBytes ?? 8 * 1024 * 1024,
      maxWaitTimeInMs: 250,
      allowAutoTopicCreation: false,
    });
    const { GROUP_JOIN, STOP, CRASH } = this.consumer.events;
    this.consumer.on(GROUP_JOIN, (e) => {
      const partitions = e.payload.memberAssignment[options.topic] ?? [];
      options.log.info({ partitions }, 'joined consumer group');
      // After a rebalance every owner resumes from the committed offsets, so whatever failed to
      // commit is redelivered and committed again with its new window.
      this.uncommitted.clear();
      // Re-committing a partition we no longer own could move its new owner's offset back.
      const owned = new Set(partitions);
      for (const partition of [...this.lastCommitted.keys()])
        if (!owned.has(partition)) this.lastCommitted.delete(partition);
      this.restarts = 0;
      options.onGroupChange?.({ type: 'joined', partitions });
    });
    this.consumer.on(STOP, () => options.onGroupChange?.({ type: 'left', partitions: [] }));
    this.consumer.on(CRASH, (e) => {
      options.log.error({ err: e.payload.error, restart: e.payload.restart }, 'consumer crashed');
      options.onGroupChange?.({ type: 'crashed', partitions: [] });
      if (!e.payload.restart) this.restartLater();
    });
  }

  /**
   * kafkajs restarts a crashed consumer only after errors it deems retriable; after others (seen:
   * "Failed to find group coordinator" when the broker restarts) it stops for good, and a writer
   * that stays up consuming nothing would lag for ever. We restart it, backing off up to 30 s.
   */
  private restartLater(): void {
    if (this.stopping || !this.running) return;
    const delayMs = Math.min(30_000, 1_000 * 2 ** this.restarts);
    this.restarts += 1;
    this.options.log.warn({ delayMs, attempt: this.restarts }, 'restarting the consumer');
    setTimeout(() => {
      if (this.stopping) return;
      this.consumer.run(this.runConfig()).catch((error) => {
        this.options.log.error({ err: error }, 'consumer restart failed');
        this.restartLater();
      });
    }, delayMs).unref();
  }

  private emptyWindow(): Window<T> {
    return { items: [], offsets: new Map(), openedAt: 0 };
  }

  async start(): Promise<void> {
    await this.consumer.connect();
    await this.consumer.subscribe({ topic: this.options.topic, fromBeginning: true });
    this.running = true;
    this.loop = this.flushLoop();
    await this.consumer.run(this.runConfig());
  }

  private runConfig(): ConsumerRunConfig {
    return {
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: this.options.partitionsConcurrently ?? 6,
      eachBatch: async ({ batch, heartbeat, resolveOffset, isRunning, isStale }) => {
        if (batch.messages.length === 0 || this.stopping) return;
        const shouldContinue = () => !this.stopping && isRunning() && !isStale();
        let items: T[];
        try {
          items = await this.options.decode(
            { topic: batch.topic, partition: batch.partition, messages: batch.messages },
            { heartbeat, shouldContinue },
          );
        } catch (error) {
          if (!shouldContinue()) return; // abandoned: not buffered, not committed, redelivered
          throw error;
        }
        // Backpressure: while a full window waits for the one being flushed, stop fetching, but keep
        // heart-beating so a long database outage does not cost the group membership.
        while (this.current.items.length >= this.maxItems && this.inFlight.size > 0 && !this.stopping) {
          await Promise.race([...this.inFlight, sleep(1_000)]);
          await heartbeat();
        }
        if (this.stopping) return;
        if (this.current.items.length === 0 && this.current.offsets.size === 0)
          this.current.openedAt = Date.now();
        for (const item of items) this.current.items.push(item);
        const last = batch.lastOffset();
        const next = BigInt(last) + 1n;
        // A partition re-fetched after a rebalance may repeat offsets; keep the highest buffered one.
        raiseOffset(this.current.offsets, batch.partition, next.toString());
        // Resolving lets kafkajs fetch on from here; it commits nothing (auto-commit is off).
        resolveOffset(last);
        this.wake?.();
      },
    };
  }

  /**
   * Closes, prepares and writes windows in order. Up to `windowsInFlight` are written at once (on
   * separate connections), and the next is prepared meanwhile; commits happen strictly in window
   * order, each after its own window is durable and the previous commit is done, so the committed
   * offsets only ever move forward over durable data. On stop it writes what is left once, then
   * ends: no other code starts a window.
   */
  private async flushLoop(): Promise<void> {
    for (;;) {
      const pending = this.current.offsets.size > 0;
      const due =
        pending &&
        (this.stopping ||
          this.current.items.length >= this.maxItems ||
          Date.now() - this.current.openedAt >= this.maxWaitMs);
      if (due) {
        const window = this.current;
        this.current = this.emptyWindow();
        // A prepared window is a window at its biggest (the writer's encoded statement parameters),
        // so it is prepared only when it can be written next: with one window in flight, during
        // that write (the only overlap there is); with more, once a slot is free, while the other
        // writes go on (docs/decisions.md, "Writer memory").
        while (this.inFlight.size >= this.windowsInFlight + (this.windowsInFlight === 1 ? 1 : 0))
          await Promise.race(this.inFlight);
        const prepared = this.options.prepare(window.items, [...window.offsets.keys()]);
        while (this.inFlight.size >= this.windowsInFlight) await Promise.race(this.inFlight);
        if (this.abandoned) return;
        this.startWindow(window, prepared);
        continue;
      }
      if (this.stopping) {
        await this.tail;
        return;
      }
      if (!pending && this.inFlight.size === 0 && this.uncommitted.size > 0) {
        await sleep(1_000);
        if (this.current.offsets.size === 0 && this.inFlight.size === 0 && !this.stopping)
          await this.commit(new Map());
        continue;
      }
      // Idle: sleep until a batch arrives or a window finishes. Pending: until the window is due.
      if (!pending && this.inFlight.size === 0 && this.lastCommitted.size > 0) {
        if (Date.now() - this.lastRecommitAt >= RECOMMIT_IDLE_MS) {
          this.lastRecommitAt = Date.now();
          await this.commit(new Map(this.lastCommitted));
          continue;
        }
      }
      await new Promise<void>((resolve) => {
        this.wake = resolve;
        if (pending) setTimeout(resolve, Math.max(1, this.current.openedAt + this.maxWaitMs - Date.now()));
        else if (this.lastCommitted.size > 0) setTimeout(resolve, RECOMMIT_IDLE_MS);
      });
    }
  }

  /** Writes one window, then commits it after the previous window's commit; never rejects. */
  private startWindow(window: Window<T>, prepared: P): void {
    const previous = this.tail;
    const started = performance.now();
    const task = (async () => {
      let durable = false;
      try {
        await this.options.flush(prepared, { shouldContinue: () => !this.stopping });
        durable = true;
      } catch (error) {
        // Only a flush abandoned at shutdown ends here: nothing was committed, so it is redelivered.
        this.options.log.warn(
          { err: error, items: window.items.length },
          'flush abandoned; it will be redelivered',
        );
      }
      await previous;
      if (!durable) this.abandoned = true;
      // An earlier window was abandoned: this one may be durable, but committing its offsets would
      // skip the earlier one's messages. Left uncommitted, it is redelivered and deduplicated.
      if (this.abandoned) return;
      await this.commit(window.offsets);
      this.options.onFlush?.({
        items: window.items.length,
        partitions: window.offsets.size,
        seconds: (performance.now() - started) / 1000,
      });
    })();
    this.tail = task;
    this.inFlight.add(task);
    void task.finally(() => {
      this.inFlight.delete(task);
      this.wake?.();
    });
  }

  private async commit(window: Map<number, string>): Promise<void> {
    const offsets = new Map(this.uncommitted);
    for (const [partition, offset] of window) raiseOffset(offsets, partition, offset);
    if (offsets.size === 0) return;
    try {
      await this.consumer.commitOffsets(
        [...offsets].map(([partition, offset]) => ({ topic: this.options.topic, partition, offset })),
      );
      this.uncommitted.clear();
      for (const [partition, offset] of offsets) raiseOffset(this.lastCommitted, partition, offset);
    } catch (error) {
      // Not fatal: the window is durable. If a rebalance took the partitions, their new owner redoes
      // the window and the sink's idempotence absorbs it; otherwise the commit is retried.
      this.uncommitted = offsets;
      this.options.log.warn(
        { err: error, partitions: [...offsets.keys()] },
        'offset commit failed; will retry',
      );
    }
  }

  /**
   * Graceful stop: stop fetching, let the flush loop write and commit what is buffered (so a restart
   * does not redo it), then leave the group. A flush that fails while stopping is abandoned,
   * uncommitted, and redelivered to the next owner.
   */
  async stop(): Promise<void> {
    this.stopping = true;
    if (this.running) this.consumer.pause([{ topic: this.options.topic }]);
    this.wake?.();
    await this.loop;
    this.running = false;
    await this.consumer.disconnect();
  }
}
