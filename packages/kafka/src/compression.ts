import { createRequire } from 'node:module';

/**
 * Record batch compression the gateway may produce with, and every consumer here can read. kafkajs
 * ships gzip only. LZ4 comes from lz4-napi (lz4_flex) as the standard LZ4 frame format that Kafka's
 * magic-v2 batches use, ZSTD from @mongodb-js/zstd (libzstd); both ship prebuilt binaries (nothing
 * is compiled at install: its 1.x line, since 2.x fetches its binary at install time), and both run
 * their async calls on libuv's thread pool, off the event loop. Loaded on first use, so a process
 * that never meets a compressed batch never loads a native module.
 */
export const KAFKA_COMPRESSIONS = ['none', 'gzip', 'lz4', 'zstd'] as const;
export type KafkaCompression = (typeof KAFKA_COMPRESSIONS)[number];

/** Level 1: the gateway is CPU-bound, and on the bench's envelopes level 3 compressed no smaller. */
const ZSTD_LEVEL = 1;

/** What one codec library does to a record batch's bytes. */
interface Frames {
  compress(data: Buffer): Promise<Buffer>;
  decompress(data: Buffer): Promise<Buffer>;
}

const require = createRequire(import.meta.url);

/**
 * kafkajs' codec interface (compress() gets its Encoder, decompress() a batch's records bytes) over
 * a library loaded on the first call.
 */
function lazyCodec(load: () => Frames) {
  let frames: Frames | undefined;
  return {
    async compress(encoder: { buffer: Buffer }): Promise<Buffer> {
      frames ??= load();
      return frames.compress(encoder.buffer);
    },
    async decompress(buffer: Buffer): Promise<Buffer> {
      frames ??= load();
      return frames.decompress(buffer);
    },
  };
}

export const lz4Codec = lazyCodec(() => {
  const lz4 = require('lz4-napi') as {
    compressFrame: Frames['compress'];
    decompressFrame: Frames['decompress'];
  };
  return { compress: (data) => lz4.compressFrame(data), decompress: (data) => lz4.decompressFrame(data) };
});

export const zstdCodec = lazyCodec(() => {
  const zstd = require('@mongodb-js/zstd') as {
    compress(data: Buffer, level?: number): Promise<Buffer>;
    decompress: Frames['decompress'];
  };
  return { compress: (data) => zstd.compress(data, ZSTD_LEVEL), decompress: (data) => zstd.decompress(data) };
});
