import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import Module, { createRequire } from 'node:module';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { Kafka } from './kafkajs.ts';

const require = createRequire(import.meta.url);
const ENCODER = require.resolve('kafkajs/src/protocol/encoder.js');

interface Encoder {
  buffer: Buffer;
  [write: string]: unknown;
}
type EncoderClass = new (initialSize?: number) => Encoder;

/** kafkajs' Encoder as shipped: its file compiled afresh, outside the module cache. */
function originalEncoder(): EncoderClass {
  const m = new Module(ENCODER) as Module & { _compile(code: string, file: string): void };
  m.filename = ENCODER;
  m.paths = (Module as unknown as { _nodeModulePaths(dir: string): string[] })._nodeModulePaths(
    ENCODER.replace(/\/[^/]+$/, ''),
  );
  m._compile(readFileSync(ENCODER, 'utf8'), ENCODER);
  return m.exports as EncoderClass;
}

const op = fc.oneof(
  fc.record({ m: fc.constant('writeInt8'), v: fc.integer({ min: -128, max: 127 }) }),
  fc.record({ m: fc.constant('writeInt32'), v: fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }) }),
  fc.record({ m: fc.constant('writeVarInt'), v: fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }) }),
  fc.record({ m: fc.constant('writeString'), v: fc.string({ maxLength: 40 }) }),
  fc.record({ m: fc.constant('writeVarIntString'), v: fc.string({ maxLength: 40 }) }),
  fc.record({
    m: fc.constant('writeBytes'),
    v: fc.uint8Array({ maxLength: 3_000 }).map((b) => Buffer.from(b)),
  }),
  fc.record({
    m: fc.constant('writeVarIntBytes'),
    v: fc.uint8Array({ maxLength: 3_000 }).map((b) => Buffer.from(b)),
  }),
);

describe("kafkajs' Encoder, loaded through @spend-ledger/kafka", () => {
  it('is the replacement, which never zero-fills (no Buffer.alloc) where the original does', () => {
    assert.ok(Kafka, 'kafkajs loaded');
    const Loaded = require(ENCODER) as EncoderClass;
    const Original = originalEncoder();
    const zeroFilled = (E: EncoderClass) => {
      const alloc = Buffer.alloc;
      let calls = 0;
      Buffer.alloc = ((...args: Parameters<typeof Buffer.alloc>) => {
        calls++;
        return alloc(...args);
      }) as typeof Buffer.alloc;
      try {
        const e = new E();
        (e.writeBytes as (b: Buffer) => void).call(e, Buffer.alloc(100_000 - 1, 7));
        return calls - 1;
      } finally {
        Buffer.alloc = alloc;
      }
    };
    assert.ok(zeroFilled(Original) >= 2, 'the original zero-fills at construction and at growth');
    assert.equal(zeroFilled(Loaded), 0);
  });

  it('writes exactly what the original writes, through every growth', () => {
    const Original = originalEncoder();
    const Loaded = require(ENCODER) as EncoderClass;
    fc.assert(
      fc.property(fc.array(op, { maxLength: 60 }), fc.integer({ min: 1, max: 2_000 }), (ops, initial) => {
        const a = new Original(initial);
        const b = new Loaded(initial);
        for (const { m, v } of ops) {
          (a[m] as (x: unknown) => void).call(a, v);
          (b[m] as (x: unknown) => void).call(b, v);
        }
        assert.deepEqual(b.buffer, a.buffer);
      }),
      { numRuns: 500 },
    );
  });
});
