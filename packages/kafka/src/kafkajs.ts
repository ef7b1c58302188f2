import Module, { createRequire } from 'node:module';
import { type KafkaCompression, lz4Codec, zstdCodec } from './compression.ts';
import { crc32c } from './crc32c.ts';
import {
  type FramingFunction,
  framingInPlace,
  type KafkajsParts,
  oneProduceRequest,
  type ProduceRequestFactory,
} from './produce-request.ts';

/**
 * kafkajs, loaded with a faster CRC-32C in its record batches, an Encoder that does not zero-fill,
 * a one-pass encoder for its produce requests (produce-request.ts) and the LZ4 and ZSTD codecs. Every value this repository takes from kafkajs comes from here (type
 * imports may name 'kafkajs' directly): kafkajs' modules capture the CRC function and the Encoder
 * class when they are first required, so the replacements must be in
 * Node's module cache before anything loads kafkajs. A static `import ... from 'kafkajs'`
 * anywhere would be evaluated first (ES modules evaluate their imports before their body, and the
 * build hoists external imports to the top of each bundle), hence the require() below, which runs
 * in order.
 */

const require = createRequire(import.meta.url);

/** What kafkajs' record batch (magic v2) requires as `require('../crc32C')`. */
const KAFKAJS_CRC_MODULE = require.resolve('kafkajs/src/protocol/recordBatch/crc32C/index.js');

/** Marks the replacement, so that a second copy of this module (a test importing two ways) accepts the first's. */
const OURS = Symbol.for('spend-ledger.kafkajs-crc32c');

let implementation: (bytes: Uint8Array) => number = crc32c;
let calls = 0;

/** The function kafkajs calls for every record batch it encodes. */
const recordBatchCrc = Object.assign(
  (bytes: Uint8Array): number => {
    calls++;
    return implementation(bytes);
  },
  { [OURS]: true },
);

// kafkajs requires its record batch module (and so its CRC) lazily, when it first encodes a batch.
// Until then the entry can be put in place even if kafkajs itself was loaded first. If the original
// CRC is already cached, something encoded a batch before this module loaded: that kafkajs keeps its
// own CRC, which is as correct and only slower, so this warns instead of failing the process (a
// test or tool that imports kafkajs directly before our packages must still work).
const cached = require.cache[KAFKAJS_CRC_MODULE];
if (cached === undefined) {
  const replacement = new Module(KAFKAJS_CRC_MODULE);
  replacement.filename = KAFKAJS_CRC_MODULE;
  replacement.loaded = true;
  replacement.exports = recordBatchCrc;
  require.cache[KAFKAJS_CRC_MODULE] = replacement;
} else if (!(cached.exports as Record<symbol, unknown>)[OURS]) {
  process.emitWarning(
    'kafkajs encoded a record batch before @spend-ledger/kafka loaded: it keeps its own (slower) CRC-32C; import kafkajs values from @spend-ledger/kafka',
    { code: 'SPEND_LEDGER_KAFKAJS_CRC' },
  );
}

/**
 * kafkajs' Encoder allocates every buffer zero-filled (Buffer.alloc), one per encoder and again at
 * each doubling: a new ArrayBuffer per record, header and request, ~7% of the gateway's busy CPU at
 * batch 100 (docs/performance.md, "Session 6"). Its bytes are only ever read up to `offset`, all of
 * them written, so the zeroes are never seen: allocUnsafe (pooled below 4 KiB) is the same output.
 */
const KAFKAJS_ENCODER_MODULE = require.resolve('kafkajs/src/protocol/encoder.js');
interface EncoderInstance {
  buf: Buffer;
  offset: number;
}
type EncoderClass = (new (initialSize?: number) => EncoderInstance) & { nextPowerOfTwo(n: number): number };
const encoderLoaded = require.cache[KAFKAJS_ENCODER_MODULE] !== undefined;
if (!encoderLoaded) {
  const Original = require(KAFKAJS_ENCODER_MODULE) as EncoderClass & { prototype: EncoderInstance };
  const grow = (size: number) => Buffer.allocUnsafe(Original.nextPowerOfTwo(size));
  // In place, so every encoder grows without zero-filling.
  Object.assign(Original.prototype, {
    ensureAvailable(this: EncoderInstance, length: number): void {
      if (this.offset + length > this.buf.length) {
        const grown = grow(this.offset + length);
        this.buf.copy(grown, 0, 0, this.offset);
        this.buf = grown;
      }
    },
  });
  // A constructor function rather than a subclass: a subclass would still run the original
  // constructor's Buffer.alloc. Same prototype and statics, so it is kafkajs' Encoder in all else.
  function Encoder(this: EncoderInstance, initialSize = 511): void {
    this.buf = grow(initialSize);
    this.offset = 0;
  }
  Encoder.prototype = Original.prototype;
  Object.setPrototypeOf(Encoder, Original);
  const loaded = require.cache[KAFKAJS_ENCODER_MODULE];
  if (loaded) loaded.exports = Encoder;
}

/**
 * kafkajs' Produce request, encoded in one pass into one buffer with room for the request header
 * in front, and the request framing that writes that header in place (produce-request.ts; docs/
 * decisions.md, "One-pass produce encoding"). Its output is kafkajs' own byte for byte, which
 * the unit test proves against the kafkajs version named here: another version may lay out or
 * default something differently, so it keeps kafkajs' own encoder (and the test fails loudly).
 */
export const KAFKAJS_VERIFIED_VERSION = '2.2.4';
const KAFKAJS_VERSION = (require('kafkajs/package.json') as { version: string }).version;
const PRODUCE_V3_MODULE = require.resolve('kafkajs/src/protocol/requests/produce/v3/request.js');
const FRAMING_MODULE = require.resolve('kafkajs/src/protocol/request.js');
/** Marks our replacements (see OURS). */
const ONE_PASS_OURS = Symbol.for('spend-ledger.kafkajs-one-pass-produce');

function replaceExports(file: string, replace: (original: never) => unknown): void {
  const original = require(file) as never;
  const loaded = require.cache[file];
  if (loaded) loaded.exports = Object.assign(replace(original) as object, { [ONE_PASS_OURS]: true });
}

if (KAFKAJS_VERSION !== KAFKAJS_VERIFIED_VERSION) {
  process.emitWarning(
    `kafkajs ${KAFKAJS_VERSION} is not the version (${KAFKAJS_VERIFIED_VERSION}) the one-pass produce encoder was verified against: kafkajs encodes produce requests itself`,
    { code: 'SPEND_LEDGER_KAFKAJS_VERSION' },
  );
} else {
  const parts: KafkajsParts = {
    Encoder: require(KAFKAJS_ENCODER_MODULE) as KafkajsParts['Encoder'],
    Long: require('kafkajs/src/utils/long.js') as KafkajsParts['Long'],
    crc: recordBatchCrc,
    compressionNone: (
      require('kafkajs/src/protocol/message/compression/index.js') as { Types: { None: number } }
    ).Types.None,
  };
  // The produce request modules are required when kafkajs first produces: until then this entry can
  // be put in place even if kafkajs was loaded first (as the CRC's above).
  const produce = require.cache[PRODUCE_V3_MODULE];
  if (produce === undefined) {
    replaceExports(PRODUCE_V3_MODULE, (original: ProduceRequestFactory) =>
      oneProduceRequest(original, parts),
    );
  } else if (!(produce.exports as Record<symbol, unknown>)[ONE_PASS_OURS]) {
    process.emitWarning(
      'kafkajs produced before @spend-ledger/kafka loaded: it keeps its own (slower) produce encoding; import kafkajs values from @spend-ledger/kafka',
      { code: 'SPEND_LEDGER_KAFKAJS_PRODUCE' },
    );
  }
  // kafkajs' connection captures the framing when kafkajs loads; if it loaded first, one-pass
  // payloads are framed by its own function, by copying (the same bytes).
  if (require.cache[FRAMING_MODULE] === undefined) {
    replaceExports(FRAMING_MODULE, (original: FramingFunction) => framingInPlace(original, parts));
  }
}

const kafkajs = require('kafkajs') as typeof import('kafkajs');

export const { Kafka, logLevel, Partitioners, CompressionTypes, CompressionCodecs } = kafkajs;

// Registered in every process that loads kafkajs through here, whatever it produces with: a
// consumer (the writer, a test, the bench) must read compressed batches as soon as any gateway sends them.
CompressionCodecs[CompressionTypes.LZ4] = () => lz4Codec;
CompressionCodecs[CompressionTypes.ZSTD] = () => zstdCodec;

/** The record batch attribute kafkajs writes for each setting of PUBLISH_COMPRESSION. */
export const COMPRESSION_TYPE: Record<KafkaCompression, number> = {
  none: CompressionTypes.None,
  gzip: CompressionTypes.GZIP,
  lz4: CompressionTypes.LZ4,
  zstd: CompressionTypes.ZSTD,
};

/**
 * How many record batch CRCs went through the replacement, and a way to swap its implementation:
 * the tests prove with both that the producer path uses it and that the broker checks it.
 */
export const recordBatchCrcForTests = {
  calls: () => calls,
  use(fn: (bytes: Uint8Array) => number): () => void {
    const previous = implementation;
    implementation = fn;
    return () => {
      implementation = previous;
    };
  },
};
