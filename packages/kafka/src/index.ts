export type { Kafka, KafkaMessage } from 'kafkajs';
export {
  BatchingProducer,
  type BatchingProducerOptions,
  type CoalescingOptions,
  type OutgoingMessage,
  PublishError,
} from './batching-producer.ts';
export {
  BufferedConsumer,
  type BufferedConsumerOptions,
  type DecodeControl,
  type FlushControl,
  type PartitionBatch,
} from './buffered-consumer.ts';
export { coalesceRecords } from './coalesce-records.ts';
export { KAFKA_COMPRESSIONS, type KafkaCompression, lz4Codec, zstdCodec } from './compression.ts';
export { getConsumerLag, type PartitionLag } from './consumer-lag.ts';
export { crc32c } from './crc32c.ts';
export { createKafka, type KafkaClientOptions } from './create-kafka.ts';
export { checkKafkaEnv, kafkaConnection, kafkaEnv, topicDurability } from './kafka-env.ts';
export {
  type KafkaConnection,
  type KafkaSasl,
  type KafkaTls,
  type SaslMechanism,
  toKafkaJsSecurity,
} from './kafka-security.ts';
export { CompressionCodecs, CompressionTypes, Partitioners, recordBatchCrcForTests } from './kafkajs.ts';
export { CachedKeyPartitioner, createKeyHasher } from './key-partitioner.ts';
export { oneProduceEncoding as oneProduceEncodingForTests } from './produce-request.ts';
export {
  ensureTopics,
  MAX_MESSAGE_BYTES,
  TOPIC_RESOURCE,
  type TopicDurability,
  type TopicSpec,
} from './topics.ts';
