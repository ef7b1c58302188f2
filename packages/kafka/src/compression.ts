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

/** kafkajs' CompressionTypes values (the record batch attribute bits). */
export const COMPRESSION_TYPE: Record<KafkaCompression, number> = { none: 0, gzip: 1, lz4: 3, zstd: 4 };

/** Level 1: the gateway is CPU-bound, and on the bench's envelopes level 3 compressed no smaller. */
const ZSTD_LEVEL = 1;

interface Lz4Napi {
  compressFrame(data: Uint8Array): Promise<Buffer>;
  decompressFrame(data: Uint8Array): Promise<Buffer>;
}
interface Zstd {
  compress(data: Buffer, level?: number): Promise<Buffer>;
  decompress(data: Buffer): Promise<Buffer>;
}

const require = createRequire(import.meta.url);
let lz4: Lz4Napi | undefined;
let zstd: Zstd | undefined;

/** kafkajs' codec interface: compress() gets its Encoder, decompress() a batch's records bytes. */
export const lz4Codec = {
  async compress(encoder: { buffer: Buffer }): Promise<Buffer> {
    lz4 ??= require('lz4-napi') as Lz4Napi;
    return lz4.compressFrame(encoder.buffer);
  },
  async decompress(buffer: Buffer): Promise<Buffer> {
    lz4 ??= require('lz4-napi') as Lz4Napi;
    return lz4.decompressFrame(buffer);
  },
};

export const zstdCodec = {
  async compress(encoder: { buffer: Buffer }): Promise<Buffer> {
    zstd ??= require('@mongodb-js/zstd') as Zstd;
    return zstd.compress(encoder.buffer, ZSTD_LEVEL);
  },
  async decompress(buffer: Buffer): Promise<Buffer> {
    zstd ??= require('@mongodb-js/zstd') as Zstd;
    return zstd.decompress(buffer);
  },
};
