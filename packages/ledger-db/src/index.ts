export {
  aggregateSpend,
  type DailyDelta,
  type RollupDelta,
  type RollupDimension,
  type SpendDeltas,
  type TotalDelta,
} from './aggregate.ts';
export { archiveRange, restoreRange } from './archive-command.ts';
export type { ArchiveManifest } from './archive-format.ts';
export {
  type ArchiveSettings,
  type ArchiveStore,
  archiveSettingsFromEnv,
  createArchiveStore,
  LocalArchiveStore,
  S3ArchiveStore,
  s3ObjectKey,
} from './archive-store.ts';
export {
  createLedgerDb,
  type LedgerDb,
  type LedgerDbHandle,
  type LedgerDbOptions,
  pingLedgerDb,
  poolOptions,
} from './client.ts';
export {
  checkDatabaseEnv,
  type DatabaseConnection,
  DatabaseEnvSchema,
  databaseConnection,
  databaseEnv,
  tlsOptions,
} from './connection-settings.ts';
export { eventDigest } from './content-digest.ts';
export { dropDatabase, ensureDatabase } from './ensure-database.ts';
export { MIGRATIONS_FOLDER, migrateLedger } from './migrate.ts';
export { countPendingMigrations } from './pending-migrations.ts';
export * from './queries/index.ts';
export { type RecentConflict, RecentRequestIds } from './recent-request-ids.ts';
export {
  type Difference,
  type ExpectedTotals,
  type ReconcileOptions,
  type ReconcileReport,
  reconcileLedger,
} from './reconcile.ts';
export * as schema from './schema/index.ts';
export {
  type MaintenanceOptions,
  type MaintenanceResult,
  maintainSpendLogs,
} from './spend-log-maintenance.ts';
export {
  addDays,
  daysBetween,
  daysWithoutRows,
  listSpendLogPartitions,
  utcDay,
} from './spend-log-partitions.ts';
export { tokenCommand } from './token-command.ts';
export {
  type PreparedSpendBatch,
  type PrepareOptions,
  prepareSpendBatch,
  type RequestIdConflict,
  type WriteSpendResult,
  writePreparedBatch,
  writeSpendBatch,
  /** The statement itself, for EXPLAIN in the benchmarks; write through writePreparedBatch. */
  writeStatement,
} from './write-spend-batch.ts';
