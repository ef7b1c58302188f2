import { createServer } from 'node:net';
import { decodeRecord, type SpendEventInput } from '@spend-ledger/contract';
import { createKafka, getConsumerLag, type Kafka } from '@spend-ledger/kafka';
import {
  createLedgerDb,
  dropDatabase,
  ensureDatabase,
  type LedgerDbHandle,
  migrateLedger,
  reconcileLedger,
} from '@spend-ledger/ledger-db';
import { createLogger } from '@spend-ledger/platform';
import { expectedTotals, LOCAL_BROKER_ENV, uniqueSuffix, waitUntil } from '@spend-ledger/testing';
import { sql } from 'drizzle-orm';
import { FAULT_BROKERS, FAULT_PG_SERVER } from './fault-env.ts';
import { LoadDriver, type LoadStats } from './load-driver.ts';
import { ServiceProcess } from './service-process.ts';

export const INGEST_TOKEN = 'fault-ingest-token-0123456789';

/** What every scenario reports. */
export interface ScenarioFigures {
  scenario: string;
  sent: number;
  acknowledged: number;
  unavailable503: number;
  written: number;
  duplicatesSkipped: number;
  deadLettered: number;
  differences: number;
}

const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });

/**
 * One fault scenario: its own database on the fault server, its own topics and group, services as
 * child processes, a load driver, and the figures at the end from durable state only (a killed
 * writer's counters die with it).
 */
export class Scenario {
  readonly topic: string;
  readonly deadLetterTopic: string;
  readonly groupId: string;
  readonly databaseUrl: string;
  readonly kafka: Kafka;
  readonly processes: ServiceProcess[] = [];
  gateway: ServiceProcess | undefined;
  private ledger: LedgerDbHandle | undefined;

  constructor(
    readonly name: string,
    readonly partitions: number,
  ) {
    const suffix = uniqueSuffix();
    this.topic = `fault-${name}-${suffix}`;
    this.deadLetterTopic = `${this.topic}.dlq`;
    this.groupId = `fault-writer-${name}-${suffix}`;
    this.databaseUrl = `${FAULT_PG_SERVER}/fault_${name.replace(/\W/g, '_')}_${suffix}`;
    this.kafka = createKafka({
      brokers: [FAULT_BROKERS],
      clientId: 'fault-suite',
      log: createLogger({ service: 'fault-suite', level: 'silent' }),
    });
  }

  get db() {
    if (!this.ledger) throw new Error('scenario not prepared');
    return this.ledger.db;
  }

  async prepare(): Promise<void> {
    await ensureDatabase(this.databaseUrl);
    this.ledger = createLedgerDb(this.databaseUrl, { maxConnections: 2 });
    await migrateLedger(this.ledger.db);
  }

  private commonEnv(): Record<string, string> {
    return {
      ...LOCAL_BROKER_ENV,
      KAFKA_BROKERS: FAULT_BROKERS,
      SPEND_TOPIC: this.topic,
      SPEND_TOPIC_PARTITIONS: String(this.partitions),
      DEAD_LETTER_TOPIC: this.deadLetterTopic,
    };
  }

  async startGateway(): Promise<ServiceProcess> {
    const port = await freePort();
    const opsPort = await freePort();
    const gateway = new ServiceProcess(
      'gateway',
      `${this.name}-gateway`,
      {
        ...this.commonEnv(),
        GATEWAY_PORT: String(port),
        GATEWAY_OPS_PORT: String(opsPort),
        LEDGER_INGEST_TOKENS: INGEST_TOKEN,
        PUBLISH_ACK_TIMEOUT_MS: '3000',
      },
      port,
      opsPort,
    );
    await gateway.start();
    await gateway.waitReady();
    this.processes.push(gateway);
    this.gateway = gateway;
    return gateway;
  }

  async startWriter(): Promise<ServiceProcess> {
    const port = await freePort();
    const n = this.processes.filter((p) => p.service === 'ledger-writer').length;
    const writer = new ServiceProcess(
      'ledger-writer',
      `${this.name}-writer-${n}`,
      {
        ...this.commonEnv(),
        DATABASE_URL: this.databaseUrl,
        WRITER_GROUP_ID: this.groupId,
        WRITER_PORT: String(port),
        WRITER_SESSION_TIMEOUT_MS: '10000',
        WRITER_RETRY_INITIAL_MS: '100',
        WRITER_RETRY_MAX_MS: '2000',
        WRITER_WRITE_TIMEOUT_MS: '15000',
      },
      port,
    );
    await writer.start();
    this.processes.push(writer);
    return writer;
  }

  driver(options: { batchSize?: number; concurrency?: number; pauseMs?: number } = {}): LoadDriver {
    return new LoadDriver(() => this.gateway?.url ?? 'http://127.0.0.1:1', INGEST_TOKEN, {
      batchSize: options.batchSize ?? 50,
      concurrency: options.concurrency ?? 3,
      ...(options.pauseMs ? { pauseMs: options.pauseMs } : {}),
    });
  }

  async written(): Promise<number> {
    const rows = await this.db.execute<{ n: string }>(sql`select count(*)::text as n from spend_logs`);
    return Number(rows[0]?.n ?? 0);
  }

  /**
   * Waits until the group has committed everything on the topic. On timeout the error carries what a
   * post-mortem needs: the lag per partition, rows written, and each service's state and last log lines.
   */
  async waitForLagZero(timeoutMs = 120_000): Promise<void> {
    let lag: Awaited<ReturnType<typeof getConsumerLag>> = [];
    try {
      await waitUntil(
        async () => {
          lag = await getConsumerLag(this.kafka, this.groupId, this.topic);
          return lag.every((p) => p.lag === 0) || undefined;
        },
        { description: `${this.name}: consumer lag to reach zero`, timeoutMs, intervalMs: 250 },
      );
    } catch (error) {
      const written = await this.written().catch((e) => `unknown (${e})`);
      const detail = [
        `lag: ${lag.map((p) => `p${p.partition} ${p.committed}/${p.highWatermark}`).join(', ')}`,
        `rows written: ${written}`,
        ...this.processes.map((p) => p.describe()),
      ].join('\n  ');
      throw new Error(`${(error as Error).message}\n  ${detail}`);
    }
  }

  /**
   * Events on a topic: records counted by what they carry, since a v2 envelope record holds many
   * (a record that does not decode counts as one).
   */
  async topicEvents(topic: string): Promise<number> {
    const records = await this.topicMessages(topic);
    const consumer = this.kafka.consumer({ groupId: `fault-count-${uniqueSuffix()}`, maxWaitTimeInMs: 200 });
    let seen = 0;
    let events = 0;
    await consumer.connect();
    try {
      await consumer.subscribe({ topic, fromBeginning: true });
      await consumer.run({
        eachMessage: async ({ message }) => {
          const version = message.headers?.['contract-version']?.toString();
          const decoded = decodeRecord(version, message.value?.toString('utf8') ?? '');
          events += decoded.ok ? decoded.items.length : 1;
          seen++;
        },
      });
      await waitUntil(() => seen >= records || undefined, { description: `${records} records read back` });
    } finally {
      await consumer.disconnect();
    }
    return events;
  }

  async topicMessages(topic: string): Promise<number> {
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      const offsets = await admin.fetchTopicOffsets(topic);
      return offsets.reduce((n, o) => n + Number(o.high) - Number(o.low), 0);
    } catch {
      return 0;
    } finally {
      await admin.disconnect();
    }
  }

  /** Lag zero, then reconcile against the distinct events and gather the figures. */
  async finish(unique: readonly SpendEventInput[], load: LoadStats): Promise<ScenarioFigures> {
    await this.waitForLagZero();
    const report = await reconcileLedger(this.db, expectedTotals(unique));
    for (const d of report.differences.slice(0, 20)) console.log(`  DIFF ${JSON.stringify(d)}`);
    const written = await this.written();
    const onTopic = await this.topicEvents(this.topic);
    const deadLettered = await this.topicMessages(this.deadLetterTopic);
    return {
      scenario: this.name,
      sent: load.sent,
      acknowledged: load.acknowledged,
      unavailable503: load.unavailable,
      written,
      duplicatesSkipped: onTopic - deadLettered - written,
      deadLettered,
      differences: report.differences.length,
    };
  }

  /** Stops every service (SIGKILL after a grace period) and drops the database; safe to call twice. */
  async cleanup(): Promise<void> {
    await Promise.all(this.processes.map((p) => p.stop()));
    const ledger = this.ledger;
    this.ledger = undefined;
    await ledger?.close();
    await dropDatabase(this.databaseUrl).catch(() => {});
  }
}
