export { apiTokens } from './api-tokens.ts';
export { dailyRollup } from './daily-rollup.ts';
export { dailySpendByEntity, dailySpendFacts } from './daily-spend.ts';
export { entityTotals } from './entity-totals.ts';
export { requestIdConflicts } from './request-id-conflicts.ts';
export { requestIds } from './request-ids.ts';
export { spendLogs } from './spend-logs.ts';
