export {
  createLedgerDb,
  type LedgerDb,
  type LedgerDbHandle,
  type LedgerDbOptions,
  pingLedgerDb,
  poolOptions,
} from './client.ts';
export { archiveRange, restoreRange } from './commands/archive-command.ts';
export { tokenCommand } from './commands/token-command.ts';
export {
  checkDatabaseEnv,
  type DatabaseConnection,
  DatabaseEnvSchema,
  databaseConnection,
  databaseEnv,
  tlsOptions,
} from './connection-settings.ts';
export { dropDatabase, ensureDatabase } from './ensure-database.ts';
export { MIGRATIONS_FOLDER, migrateLedger } from './migrate.ts';
export { countPendingMigrations } from './pending-migrations.ts';
export * from './queries/index.ts';
export {
  type Difference,
  type ExpectedTotals,
  type ReconcileOptions,
  type ReconcileReport,
  reconcileLedger,
} from './reconcile.ts';
export * as schema from './schema/index.ts';
export type { ArchiveManifest } from './storage/archive-format.ts';
export {
  type ArchiveSettings,
  type ArchiveStore,
  archiveSettingsFromEnv,
  createArchiveStore,
  LocalArchiveStore,
  S3ArchiveStore,
  s3ObjectKey,
} from './storage/archive-store.ts';
export {
  type MaintenanceOptions,
  type MaintenanceResult,
  maintainSpendLogs,
} from './storage/spend-log-maintenance.ts';
export {
  addDays,
  daysBetween,
  daysWithoutRows,
  listSpendLogPartitions,
  utcDay,
} from './storage/spend-log-partitions.ts';
export {
  aggregateSpend,
  type DailyDelta,
  type RollupDelta,
  type RollupDimension,
  type SpendDeltas,
  type TotalDelta,
} from './write/aggregate.ts';
export { eventDigest } from './write/content-digest.ts';
export { type RecentConflict, RecentRequestIds } from './write/recent-request-ids.ts';
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
} from './write/write-spend-batch.ts';
