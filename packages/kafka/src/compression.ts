import { createRequire } from 'node:module';

/**
 * Record batch compression the gateway may produce with, and every consumer here can read. kafkajs
 * ships gzip only; LZ4 comes from lz4-napi (lz4_flex, prebuilt binaries: nothing is compiled at
 * install), as the standard LZ4 frame format that Kafka's magic-v2 batches use. Its async calls run
 * on libuv's thread pool, off the event loop.
 */
export const KAFKA_COMPRESSIONS = ['none', 'gzip', 'lz4'] as const;
export type KafkaCompression = (typeof KAFKA_COMPRESSIONS)[number];

/** kafkajs' CompressionTypes values (the record batch attribute bits). */
export const COMPRESSION_TYPE: Record<KafkaCompression, number> = { none: 0, gzip: 1, lz4: 3 };

interface Lz4Napi {
  compressFrame(data: Uint8Array): Promise<Buffer>;
  decompressFrame(data: Uint8Array): Promise<Buffer>;
}

const require = createRequire(import.meta.url);
let lz4: Lz4Napi | undefined;

/** kafkajs' codec interface: compress() gets its Encoder, decompress() the batch's records bytes. */
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
