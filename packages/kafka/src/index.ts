export type { Kafka, KafkaMessage } from 'kafkajs';
export {
  BatchConsumer,
  type BatchConsumerOptions,
  type BatchControl,
  type BatchHandler,
  type PartitionBatch,
} from './batch-consumer.ts';
export {
  BatchingProducer,
  type BatchingProducerOptions,
  type OutgoingMessage,
  PublishError,
} from './batching-producer.ts';
export { getConsumerLag, type PartitionLag } from './consumer-lag.ts';
export { createKafka, type KafkaClientOptions } from './create-kafka.ts';
export { ensureTopics, MAX_MESSAGE_BYTES, type TopicSpec } from './topics.ts';
