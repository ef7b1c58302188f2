export {
  type ActivitySummary,
  activityRowsQuery,
  type DayBreakdown,
  type DayFigures,
  getActivityBreakdown,
  getActivitySummary,
  getActivityWithBreakdown,
} from './activity.ts';
export {
  type ApiTokenRecord,
  createApiToken,
  findActiveApiToken,
  hashToken,
  listApiTokens,
  revokeApiToken,
  TOKEN_PREFIX,
  type TokenScope,
} from './api-tokens.ts';
export {
  type EntitySetDay,
  type EntitySetDayBreakdown,
  type EntitySetSelector,
  getEntitySetBreakdown,
  getEntitySetSummary,
} from './entity-set.ts';
export { getEntityTotals } from './entity-totals.ts';
export { METRIC_COLUMNS, type SpendFigures, ZERO_FIGURES } from './figures.ts';
export { assertTimeZoneKnown, isUtc, type LocalDays } from './local-days.ts';
export {
  getSpendReport,
  REPORT_DIMENSIONS,
  type ReportDimension,
  type ReportEdges,
  type ReportParams,
  type ReportRow,
  reportRowsQuery,
  resolveReportEdges,
  type SpendReport,
  WITHIN_ENTITY_DIMENSIONS,
  type WithinEntityDimension,
} from './report.ts';
export { listRequestIdConflicts, type StoredRequestIdConflict } from './request-id-conflicts.ts';
export { type AggregateSelector, type EntityRef, isWholeEntity } from './selector.ts';
export {
  getSpendLog,
  listSpendLogs,
  type SpendLogCursor,
  type SpendLogFilter,
  type SpendLogPage,
  type StoredSpendLog,
} from './spend-logs.ts';
export { type StreamOptions, streamRows } from './stream.ts';
