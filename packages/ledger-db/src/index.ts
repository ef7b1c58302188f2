export {
  aggregateSpend,
  type DailyDelta,
  type RollupDelta,
  type RollupDimension,
  type SpendDeltas,
  spendHour,
  type TotalDelta,
} from './aggregate.ts';
export { archiveCommand, archiveRange, restoreRange } from './archive-command.ts';
export { type ArchiveManifest, readManifest } from './archive-format.ts';
export {
  type ArchiveSettings,
  type ArchiveStore,
  archiveKeys,
  archiveSettingsFromEnv,
  createArchiveStore,
  LocalArchiveStore,
  S3ArchiveStore,
  s3ObjectKey,
} from './archive-store.ts';
export {
  connectionSettings,
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
  SSL_MODES,
  type SslMode,
  tlsOptions,
} from './connection-settings.ts';
export { eventDigest } from './content-digest.ts';
export { dropDatabase, ensureDatabase } from './ensure-database.ts';
export { createIamPassword, type IamAuth, type IamTarget } from './iam-token.ts';
export { MIGRATIONS_FOLDER, migrateLedger } from './migrate.ts';
export { countPendingMigrations } from './pending-migrations.ts';
export * from './queries/index.ts';
export { type RecentConflict, RecentRequestIds } from './recent-request-ids.ts';
export {
  type Difference,
  type ExpectedTotals,
  METRICS,
  type ReconcileOptions,
  type ReconcileReport,
  reconcileLedger,
} from './reconcile.ts';
export { reconcileCommand } from './reconcile-command.ts';
export * as schema from './schema/index.ts';
export { archiveDay } from './spend-log-archive.ts';
export {
  type MaintenanceOptions,
  type MaintenanceResult,
  maintainSpendLogs,
} from './spend-log-maintenance.ts';
export {
  addDays,
  daysBetween,
  daysWithoutRows,
  dropSpendLogPartition,
  ensureSpendLogPartitions,
  listSpendLogPartitions,
  partitionName,
  utcDay,
} from './spend-log-partitions.ts';
export { restoreDay } from './spend-log-restore.ts';
export { tokenCommand } from './token-command.ts';
export {
  conflictOf,
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
