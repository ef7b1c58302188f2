import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { KAFKAJS_VERIFIED_VERSION } from './kafkajs.ts';
import { oneProduceEncoding } from './produce-request.ts';

const require = createRequire(import.meta.url);
const PACKAGE_DIR = new URL('..', import.meta.url);

/**
 * One produce request to encode, as JSON (Buffers as {"$buffer": base64}), so that kafkajs as shipped
 * (in a child process) and kafkajs through @spend-ledger/kafka (here) get the same input.
 */
interface Case {
  now: number;
  version: number;
  correlationId: number;
  clientId: string | null;
  args: Record<string, unknown>;
}

/**
 * Encodes each case with the produce request and framing of whatever kafkajs `require` loads. Source
 * text, run as is by both processes (a TypeScript function's text would be the transpiler's).
 */
const ENCODE_CASES = `
  async function encodeCases(require, json) {
    const revive = (_key, v) =>
      v !== null && typeof v === 'object' && '$buffer' in v ? Buffer.from(v.$buffer, 'base64') : v;
    const produce = require('kafkajs/src/protocol/requests/produce/index.js');
    const frame = require('kafkajs/src/protocol/request.js');
    const now = Date.now;
    const out = [];
    for (const c of JSON.parse(json, revive)) {
      Date.now = () => c.now;
      try {
        const { request } = produce.protocol({ version: c.version })(c.args);
        const payload = (await request.encode()).buffer.toString('hex');
        const framed = (await frame({ correlationId: c.correlationId, clientId: c.clientId, request })).buffer.toString('hex');
        out.push({ payload, framed });
      } catch (e) {
        out.push({ error: e.constructor.name });
      } finally {
        Date.now = now;
      }
    }
    return out;
  }`;

type Outcome = { payload: string; framed: string } | { error: string };

/** kafkajs 2.2.4 as shipped: a fresh process that never loads @spend-ledger/kafka. */
function encodeWithKafkajs(json: string): Outcome[] {
  const code = `${ENCODE_CASES}
    let input = ''; process.stdin.setEncoding('utf8');
    process.stdin.on('data', (d) => { input += d; });
    process.stdin.on('end', async () => { process.stdout.write(JSON.stringify(await encodeCases(require, input))); });`;
  const child = spawnSync(process.execPath, ['-e', code], {
    cwd: PACKAGE_DIR,
    input: json,
    encoding: 'utf8',
    maxBuffer: 1 << 30,
  });
  assert.equal(child.status, 0, child.stderr);
  return JSON.parse(child.stdout) as Outcome[];
}

async function encodeWithOurs(json: string): Promise<Outcome[]> {
  await import('./kafkajs.ts');
  const encodeCases = new Function(
    `return (${ENCODE_CASES.trim().replace(/^async function encodeCases/, 'async function')})`,
  )();
  return (await encodeCases(require, json)) as Outcome[];
}

const toJson = (cases: Case[]) =>
  JSON.stringify(cases, (_key, v: unknown) =>
    v !== null && typeof v === 'object' && (v as { type?: string }).type === 'Buffer' && 'data' in v
      ? { $buffer: Buffer.from((v as { data: number[] }).data).toString('base64') }
      : v,
  );

const bytes = fc.oneof(
  fc.string({ maxLength: 30 }),
  fc.string({ unit: 'grapheme', maxLength: 30 }),
  fc.string({ unit: 'binary', maxLength: 30 }), // lone surrogates too: UTF-8 replacement characters
  fc.uint8Array({ maxLength: 40 }).map((b) => Buffer.from(b)),
  fc.string({ minLength: 100, maxLength: 3_000 }),
);
const headerValue = fc.oneof(bytes, fc.array(bytes, { maxLength: 3 }));
const now = 1_700_000_000_000;
const timestamp = fc.oneof(
  fc.integer({ min: now - 10_000_000, max: now + 10_000_000 }),
  fc.integer({ min: now - 10_000_000, max: now + 10_000_000 }).map(String),
  fc.constant(0),
);
const message = fc.record(
  {
    key: fc.oneof(fc.constant(null), bytes),
    value: fc.oneof(fc.constant(null), bytes),
    headers: fc.dictionary(fc.string({ unit: 'grapheme', maxLength: 12 }), headerValue, { maxKeys: 4 }),
    timestamp: fc.oneof(fc.constant(null), timestamp),
  },
  { requiredKeys: [] },
);
const partition = fc.record(
  {
    partition: fc.integer({ min: 0, max: 1_000 }),
    firstSequence: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
    messages: fc.array(message, { maxLength: 8 }),
  },
  { requiredKeys: ['partition', 'messages'] },
);
const topicData = fc.array(
  fc.record({
    topic: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 20 }),
    partitions: fc.array(partition, { maxLength: 4 }),
  }),
  { minLength: 1, maxLength: 3 },
);
const produceCase: fc.Arbitrary<Case> = fc.record({
  now: fc.integer({ min: now - 1_000_000, max: now + 1_000_000 }),
  version: fc.integer({ min: 3, max: 7 }),
  correlationId: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
  clientId: fc.oneof(
    fc.constant(null),
    fc.string({ unit: 'grapheme', maxLength: 20 }),
    fc.constant('c'.repeat(300)),
  ),
  args: fc.record(
    {
      acks: fc.constantFrom(-1, 0, 1),
      timeout: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
      transactionalId: fc.oneof(fc.constant(null), fc.constant(''), fc.string({ maxLength: 20 })),
      producerId: fc.oneof(fc.integer({ min: -1, max: 2 ** 31 - 1 }), fc.bigInt(0n, 2n ** 62n).map(String)),
      producerEpoch: fc.integer({ min: 0, max: 32_767 }),
      topicData,
    },
    { requiredKeys: ['acks', 'timeout', 'topicData'] },
  ),
});

async function assertSameAsKafkajs(cases: Case[]): Promise<Outcome[]> {
  const json = toJson(cases);
  const theirs = encodeWithKafkajs(json);
  const ours = await encodeWithOurs(json);
  assert.equal(ours.length, cases.length);
  for (let i = 0; i < cases.length; i++) {
    assert.deepEqual(ours[i], theirs[i], `case ${i}: ${JSON.stringify(cases[i]).slice(0, 2_000)}`);
  }
  return ours;
}

describe("kafkajs' produce request, encoded in one pass by @spend-ledger/kafka", () => {
  it('is the kafkajs version the encoder was verified against (an upgrade must re-verify it)', () => {
    assert.equal((require('kafkajs/package.json') as { version: string }).version, KAFKAJS_VERIFIED_VERSION);
  });

  it("writes exactly kafkajs' bytes, payload and framed, for randomized produce requests (v3–v7)", async () => {
    const cases = fc.sample(produceCase, { numRuns: 400, seed: 7 });
    const before = { ...oneProduceEncoding };
    const outcomes = await assertSameAsKafkajs(cases);
    assert.deepEqual(
      outcomes.filter((o) => 'error' in o),
      [],
    );
    // Each case encodes twice: the payload alone, then framed.
    assert.equal(
      oneProduceEncoding.onePass - before.onePass,
      2 * cases.length,
      'every case went through the one pass',
    );
    const inPlace = cases.filter((c) => c.clientId === null || c.clientId.length < 200).length;
    assert.equal(oneProduceEncoding.framedInPlace - before.framedInPlace, inPlace);
  });

  it('writes the same bytes for what it hands to kafkajs: compression, odd types, and errors', async () => {
    const base = {
      now,
      version: 7,
      correlationId: 5,
      clientId: 'gateway',
      args: { acks: -1, timeout: 30_000, producerId: '4711', producerEpoch: 3 },
    };
    const messages = [
      { key: 'k', value: 'v'.repeat(1_000), headers: { a: 'b' } },
      { key: null, value: Buffer.from('x'), timestamp: now },
    ];
    const withMessages = (m: unknown[], extra: object = {}): Case => ({
      ...base,
      args: {
        ...base.args,
        ...extra,
        topicData: [{ topic: 't', partitions: [{ partition: 0, messages: m }] }],
      },
    });
    const cases = [
      withMessages(messages, { compression: 1 }), // GZIP (kafkajs' own codec; deterministic)
      withMessages([{ key: 'k', value: 'v', headers: { n: 5 } }]), // kafkajs throws on a number header
      withMessages([{ key: 'k', value: 'v', headers: null }]), // and on null headers
      withMessages([{ key: 'k', value: 7 }]), // and on a number value
      withMessages([]), // an empty batch (last offset delta -1)
      withMessages(messages, { transactionalId: 'tx', producerId: '9223372036854775807' }),
      withMessages([{ key: 'k', value: 'v', timestamp: 1.5 }]), // kafkajs' Long throws on a fraction
    ];
    const before = { ...oneProduceEncoding };
    const outcomes = await assertSameAsKafkajs(cases);
    assert.deepEqual(
      outcomes.map((o) => ('error' in o ? o.error : 'ok')),
      ['ok', 'TypeError', 'TypeError', 'TypeError', 'ok', 'ok', 'RangeError'],
    );
    // GZIP twice (payload, then framed), the three that kafkajs refuses once each.
    assert.equal(oneProduceEncoding.kafkajs - before.kafkajs, 5, 'compression and odd types went to kafkajs');
  });

  it('is what kafkajs loads for every produce version it speaks to a Kafka 4 broker, and frames in place', async () => {
    await import('./kafkajs.ts');
    const produce = require('kafkajs/src/protocol/requests/produce/index.js') as {
      protocol: (v: { version: number }) => (args: object) => { request: { encode: () => Promise<unknown> } };
    };
    for (const version of [3, 4, 5, 6, 7]) {
      const before = oneProduceEncoding.onePass;
      const { request } = produce.protocol({ version })({ acks: -1, timeout: 1, topicData: [] });
      await request.encode();
      assert.equal(oneProduceEncoding.onePass, before + 1, `v${version}`);
    }
  });

  it('still takes over produce encoding after a kafkajs imported directly, and only warns once kafkajs has produced', () => {
    const run = (code: string) =>
      spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], {
        cwd: PACKAGE_DIR,
        encoding: 'utf8',
      });
    const ours = new URL('./produce-request.ts', import.meta.url).href;
    const kafkajs = new URL('./kafkajs.ts', import.meta.url).href;
    // kafkajs requires its produce request module when it first produces: until then ours goes in.
    const produce = `{ const { createRequire } = await import('node:module');
      const p = createRequire(import.meta.url)('kafkajs/src/protocol/requests/produce/index.js');
      await p.protocol({ version: 7 })({ acks: -1, timeout: 1, topicData: [] }).request.encode(); }`;
    const first = run(`await import('kafkajs'); await import('${kafkajs}'); ${produce}
      const { oneProduceEncoding } = await import('${ours}');
      if (oneProduceEncoding.onePass !== 1) throw new Error('kafkajs kept its own produce encoding');`);
    assert.equal(first.status, 0, first.stderr);
    assert.doesNotMatch(first.stderr, /SPEND_LEDGER_KAFKAJS_PRODUCE/);
    // A request encoded before: that kafkajs keeps its encoder (correct, slower), and the process says so.
    const late = run(`await import('kafkajs'); ${produce} await import('${kafkajs}'); ${produce}
      const { oneProduceEncoding } = await import('${ours}');
      if (oneProduceEncoding.onePass !== 0) throw new Error('unexpected replacement');`);
    assert.equal(late.status, 0, late.stderr);
    assert.match(late.stderr, /SPEND_LEDGER_KAFKAJS_PRODUCE/);
  });
});
