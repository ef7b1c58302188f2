export { aSpendEvent, uniqueSuffix } from './factories.ts';
export {
  aSpendLogRow,
  aSpendLogsMetadata,
  aStandardLoggingMetadata,
  aStandardLoggingPayload,
  litellmKeyHash,
} from './litellm-payloads.ts';
export { LOCAL_BROKER_ENV, LOCAL_TOPIC_DURABILITY } from './local-broker.ts';
export { onRenamedDailySpend, unfoldFactRows } from './pre-fact-rows.ts';
export { createTestDatabase, TEST_DATABASE_SERVER, type TestDatabase } from './test-database.ts';
export { type WaitOptions, waitUntil } from './wait-until.ts';
export {
  type ExpectedFigures,
  expectedTotals,
  generateWorkload,
  seededRandom,
  type WorkloadOptions,
} from './workload.ts';
