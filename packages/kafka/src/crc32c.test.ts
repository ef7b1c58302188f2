import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { crc32c } from './crc32c.ts';
import { Kafka, recordBatchCrcForTests } from './kafkajs.ts';

const require = createRequire(import.meta.url);
/** kafkajs' own byte-at-a-time CRC-32C (its inner file, which the replacement leaves alone). */
const kafkajsCrc32c = require('kafkajs/src/protocol/recordBatch/crc32C/crc32C.js') as (b: Buffer) => number;

describe('crc32c', () => {
  it('gives the published CRC-32C check values (RFC 3720 B.4 and the "123456789" check)', () => {
    const ascending = Buffer.from(Array.from({ length: 32 }, (_, i) => i));
    const descending = Buffer.from(Array.from({ length: 32 }, (_, i) => 31 - i));
    assert.equal(crc32c(Buffer.from('123456789')), 0xe3069283);
    assert.equal(crc32c(Buffer.alloc(32, 0)), 0x8a9136aa);
    assert.equal(crc32c(Buffer.alloc(32, 0xff)), 0x62a8ab43);
    assert.equal(crc32c(ascending), 0x46dd794e);
    assert.equal(crc32c(descending), 0x113fdb5c);
    assert.equal(crc32c(Buffer.alloc(0)), 0);
  });

  it("equals kafkajs' own CRC for any bytes, length and offset into a larger buffer", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.nat(40), (bytes, skip) => {
        const view = Buffer.from(bytes).subarray(Math.min(skip, bytes.length));
        assert.equal(crc32c(view), kafkajsCrc32c(view));
      }),
      { numRuns: 3_000 },
    );
    const big = Buffer.alloc(1_000_003);
    for (let i = 0; i < big.length; i++) big[i] = (i * 2_654_435_761) >>> 24;
    assert.equal(crc32c(big), kafkajsCrc32c(big));
  });

  it('continues an earlier CRC', () => {
    const a = Buffer.from('spend ledger ');
    const b = Buffer.from('record batch of envelopes, long enough for the sixteen-byte steps');
    assert.equal(crc32c(b, crc32c(a)), crc32c(Buffer.concat([a, b])));
  });
});

describe("kafkajs' record batches", () => {
  it('take their CRC from the replacement, with the value kafkajs computes itself', async () => {
    // Loaded through ./kafkajs.ts (imported above), so the batch module sees the replacement.
    assert.ok(Kafka, 'kafkajs loaded');
    const { RecordBatch } = require('kafkajs/src/protocol/recordBatch/v0/index.js');
    const Record = require('kafkajs/src/protocol/recordBatch/record/v0/index.js');
    const records = Array.from({ length: 20 }, (_, i) =>
      Record({
        offsetDelta: i,
        key: Buffer.from(`key-${i}`),
        value: Buffer.from(`value ${i}`.repeat(i + 1)),
      }),
    );
    const before = recordBatchCrcForTests.calls();
    const batch: Buffer = (await RecordBatch({ records, lastOffsetDelta: 19 })).buffer;
    assert.equal(recordBatchCrcForTests.calls(), before + 1);
    // FirstOffset int64, Length int32, PartitionLeaderEpoch int32, Magic int8, then the CRC of the rest.
    assert.equal(batch.readInt8(16), 2);
    const body = batch.subarray(21);
    assert.equal(batch.readUInt32BE(17), kafkajsCrc32c(body));
  });

  it('still takes over the CRC after a kafkajs imported directly, and only warns once kafkajs has encoded a batch', () => {
    const run = (code: string) =>
      spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], {
        cwd: new URL('..', import.meta.url),
        encoding: 'utf8',
      });
    const ours = new URL('./kafkajs.ts', import.meta.url).href;
    // kafkajs requires its record batch module when it first encodes one: until then ours goes in.
    const batch = `{ const { createRequire } = await import('node:module');
      const { RecordBatch } = createRequire(import.meta.url)('kafkajs/src/protocol/recordBatch/v0/index.js');
      await RecordBatch({ records: [] }); }`;
    const first = run(`await import('kafkajs'); const k = await import('${ours}'); ${batch}
      if (k.recordBatchCrcForTests.calls() !== 1) throw new Error('kafkajs kept its own CRC');`);
    assert.equal(first.status, 0, first.stderr);
    assert.doesNotMatch(first.stderr, /SPEND_LEDGER_KAFKAJS_CRC/);
    // A batch encoded before: that kafkajs keeps its CRC (correct, slower), and the process says so.
    const late = run(`await import('kafkajs'); ${batch} const k = await import('${ours}'); ${batch}
      if (k.recordBatchCrcForTests.calls() !== 0) throw new Error('unexpected replacement');`);
    assert.equal(late.status, 0, late.stderr);
    assert.match(late.stderr, /SPEND_LEDGER_KAFKAJS_CRC/);
  });
});
