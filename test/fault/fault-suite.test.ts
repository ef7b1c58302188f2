import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { after, afterEach, before, describe, it } from 'node:test';
import { CONTRACT_VERSION, type SpendEventInput, SpendEventSchema } from '@spend-ledger/contract';
import { generateWorkload, uniqueSuffix, waitUntil } from '@spend-ledger/testing';
import { kafkaCtl, postgresCtl, REPO_ROOT, startFaultEnv, stopFaultEnv } from './support/fault-env.ts';
import { Scenario, type ScenarioFigures } from './support/scenario.ts';

const UNIQUE = Number(process.env.FAULT_EVENTS ?? 4_000);
const DUPLICATES = Math.round(UNIQUE * 0.05);
const figures: ScenarioFigures[] = [];
/** Scenarios of the running test; afterEach stops their services even when the test failed. */
const open: Scenario[] = [];
const newScenario = (name: string, partitions: number) => {
  const scenario = new Scenario(name, partitions);
  open.push(scenario);
  return scenario;
};
/** Per scenario; a hang fails that scenario instead of holding CI until its own deadline. */
const SCENARIO_TIMEOUT = { timeout: 6 * 60_000 };

/** Resolves once at least `share` of the workload's distinct events are in the ledger. */
const whenWritten = (s: Scenario, share: number) =>
  waitUntil(async () => (await s.written()) >= UNIQUE * share || undefined, {
    description: `${s.name}: ${share * 100}% written`,
    timeoutMs: 120_000,
    intervalMs: 50,
  });

const logOf = (file: string) => readFileSync(file, 'utf8');

async function runScenario(
  name: string,
  options: { partitions: number; writers: number; pauseMs?: number },
  fault: (s: Scenario, driver: ReturnType<Scenario['driver']>) => Promise<void>,
): Promise<{ scenario: Scenario; result: ScenarioFigures; unique: SpendEventInput[] }> {
  const scenario = newScenario(name, options.partitions);
  await scenario.prepare();
  await scenario.startGateway();
  for (let i = 0; i < options.writers; i++) await scenario.startWriter();
  const { unique, all } = generateWorkload({ unique: UNIQUE, duplicates: DUPLICATES, runId: uniqueSuffix() });
  const driver = scenario.driver({ batchSize: 50, concurrency: 3, pauseMs: options.pauseMs ?? 150 });
  const [load] = await Promise.all([driver.run(all), fault(scenario, driver)]);
  const result = await scenario.finish(unique, load);
  figures.push(result);
  console.log(`  ${JSON.stringify(result)}`);
  assert.equal(result.acknowledged, all.length, 'every event was acknowledged in the end');
  assert.equal(result.written, UNIQUE, 'every distinct request_id written once');
  assert.equal(result.differences, 0, 'reconciliation found no difference');
  return { scenario, result, unique };
}

describe('fault suite: no loss, no double count', { timeout: 30 * 60_000 }, () => {
  before(async () => {
    await startFaultEnv();
  });
  afterEach(async () => {
    for (const scenario of open.splice(0)) await scenario.cleanup();
  });
  after(async () => {
    console.log('\nscenario            sent  acked  503s  written  dups  dlq  diff');
    for (const f of figures) {
      console.log(
        `${f.scenario.padEnd(18)} ${String(f.sent).padStart(5)} ${String(f.acknowledged).padStart(6)} ${String(f.unavailable503).padStart(5)} ${String(f.written).padStart(8)} ${String(f.duplicatesSkipped).padStart(5)} ${String(f.deadLettered).padStart(4)} ${String(f.differences).padStart(5)}`,
      );
    }
    writeFileSync(`${REPO_ROOT}.local/fault-report.json`, `${JSON.stringify(figures, null, 2)}\n`);
    await stopFaultEnv();
  });

  it('1. survives SIGKILL of the writer at three different moments', SCENARIO_TIMEOUT, async () => {
    await runScenario('writer-sigkill', { partitions: 3, writers: 1 }, async (s) => {
      for (const share of [0.15, 0.45, 0.75]) {
        await whenWritten(s, share);
        const victim = s.processes.filter((p) => p.service === 'ledger-writer').at(-1);
        await victim?.kill();
        await s.startWriter();
      }
    });
  });

  it('2. survives a Postgres restart while writers are busy', SCENARIO_TIMEOUT, async () => {
    const { scenario } = await runScenario('postgres-restart', { partitions: 3, writers: 2 }, async (s) => {
      await whenWritten(s, 0.3);
      await postgresCtl('stop');
      await new Promise((r) => setTimeout(r, 3_000)); // the outage itself, not a wait for a condition
      await postgresCtl('start');
    });
    const logs = scenario.processes.filter((p) => p.service === 'ledger-writer').map((p) => logOf(p.logFile));
    assert.ok(
      logs.some((l) => l.includes('ledger writes failing')),
      'a writer logged the outage',
    );
    assert.ok(
      logs.some((l) => l.includes('ledger writes recovered')),
      'a writer logged the recovery',
    );
    for (const l of logs) {
      const failing = l.split('\n').filter((line) => line.includes('ledger writes failing')).length;
      assert.ok(failing <= 2, `one line per state change, not per retry (saw ${failing})`);
    }
  });

  it(
    '3. loses nothing acknowledged when the Kafka broker restarts under load',
    SCENARIO_TIMEOUT,
    async () => {
      const { result } = await runScenario(
        'kafka-restart',
        { partitions: 3, writers: 1 },
        async (_s, driver) => {
          await waitUntil(() => driver.stats.acknowledged >= UNIQUE * 0.3 || undefined, {
            description: '30% acknowledged',
            timeoutMs: 120_000,
            intervalMs: 50,
          });
          await kafkaCtl('restart');
        },
      );
      assert.ok(result.unavailable503 > 0, 'clients saw 503 during the outage and retried');
    },
  );

  it(
    '4. three writers, one added and one removed mid-run: no deadlock, no double count; 5. replay',
    SCENARIO_TIMEOUT,
    async () => {
      const { scenario, unique, result } = await runScenario(
        'rebalance',
        { partitions: 6, writers: 3 },
        async (s) => {
          await whenWritten(s, 0.3);
          await s.startWriter();
          await whenWritten(s, 0.6);
          const first = s.processes.find((p) => p.service === 'ledger-writer');
          assert.equal(await first?.stop(), 0, 'a writer stopped with SIGTERM exits cleanly');
        },
      );
      const writers = () => scenario.processes.filter((x) => x.service === 'ledger-writer');
      for (const p of writers()) {
        assert.doesNotMatch(logOf(p.logFile), /deadlock detected|40P01/, `${p.label} saw a deadlock`);
      }

      // 5. Rewind the group to the earliest offset and replay the whole topic: totals unchanged.
      for (const p of writers()) await p.stop();
      const admin = scenario.kafka.admin();
      await admin.connect();
      await admin.resetOffsets({ groupId: scenario.groupId, topic: scenario.topic, earliest: true });
      await admin.disconnect();
      await scenario.startWriter();
      const replay = await scenario.finish(unique, {
        sent: 0,
        acknowledged: 0,
        unavailable: 0,
        connectionErrors: 0,
      });
      figures.push({ ...replay, scenario: 'replay-from-start' });
      console.log(`  ${JSON.stringify(replay)}`);
      assert.equal(replay.written, result.written, 'no per-request row added by the replay');
      assert.equal(replay.differences, 0, 'totals unchanged after the replay');
    },
  );

  it(
    '6. dead-letters malformed messages on the topic and writes every good one around them',
    SCENARIO_TIMEOUT,
    async () => {
      const scenario = newScenario('poison', 3);
      await scenario.prepare();
      await scenario.startWriter();
      const { unique } = generateWorkload({ unique: 1_500, duplicates: 0, runId: uniqueSuffix() });
      const malformed = [
        () => 'not json at all',
        () => '{"truncated": ',
        () => JSON.stringify({ request_id: 'x' }),
        () => JSON.stringify({ ...unique[0], spend: '-5' }),
        () => JSON.stringify({ ...unique[0], request_id: '' }),
        () => JSON.stringify([1, 2, 3]),
        () => '',
      ];
      const messages: Array<{ key: string; value: string; headers: Record<string, string> }> = [];
      unique.forEach((event, i) => {
        const normal = SpendEventSchema.parse(event);
        messages.push({
          key: normal.api_key,
          value: JSON.stringify(normal),
          headers: { 'contract-version': CONTRACT_VERSION },
        });
        if (i % 10 === 0)
          messages.push({
            key: normal.api_key,
            value: (malformed[i % malformed.length] as () => string)(),
            headers: {},
          });
      });
      const bad = messages.length - unique.length;
      const producer = scenario.kafka.producer();
      await producer.connect();
      for (let i = 0; i < messages.length; i += 200) {
        await producer.send({ topic: scenario.topic, acks: -1, messages: messages.slice(i, i + 200) });
      }
      await producer.disconnect();
      const result = await scenario.finish(unique, {
        sent: messages.length,
        acknowledged: messages.length,
        unavailable: 0,
        connectionErrors: 0,
      });
      figures.push(result);
      console.log(`  ${JSON.stringify(result)}`);
      assert.equal(result.deadLettered, bad, 'every malformed message is in the dead-letter topic');
      assert.equal(result.written, unique.length, 'every good message is written');
      assert.equal(result.differences, 0);
    },
  );
});
