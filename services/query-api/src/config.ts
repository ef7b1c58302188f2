import { checkDatabaseEnv, databaseConnection, databaseEnv } from '@spend-ledger/ledger-db';
import {
  checkHttpLimits,
  csv,
  flag,
  HTTP_LIMITS_ENV,
  httpLimitsOf,
  logLevel,
  parseConfig,
  port,
  positiveInt,
} from '@spend-ledger/platform';
import { z } from 'zod';

export const QueryConfigSchema = z
  .object({
    QUERY_HOST: z.string().default('127.0.0.1'),
    QUERY_PORT: port(8081),
    /** /healthz, /readyz and /metrics: a port of their own, loopback unless set (e.g. 0.0.0.0 in a pod). */
    QUERY_OPS_HOST: z.string().default('127.0.0.1'),
    QUERY_OPS_PORT: port(8091),
    /** Bearer tokens that may read the ledger, comma-separated. Required. */
    LEDGER_QUERY_TOKENS: csv().pipe(
      z
        .array(z.string().min(16, { error: 'each token must be at least 16 characters' }))
        .min(1, { error: 'set at least one query token (comma-separated)' }),
    ),
    /** DATABASE_URL, DB_POOL_MAX, TLS, timeouts, IAM. */
    ...databaseEnv({ poolMax: 10 }),
    /** Widest date range one request may ask for, in days. */
    MAX_RANGE_DAYS: positiveInt(366),
    /**
     * Set as the writer's: no per-request rows are kept, so /v1/logs answers SPEND_LOGS_DISABLED and
     * figures that need them (local days cut by a :30/:45 offset, reports in another zone than UTC)
     * are refused with a 400 naming `timezone`.
     */
    DISABLE_SPEND_LOGS: flag(false),
    /** A query running longer than this is cancelled by Postgres and answered 503. */
    QUERY_STATEMENT_TIMEOUT_MS: positiveInt(15_000),
    /** The same for a CSV export's statement, which runs until the client has read its last row. */
    QUERY_EXPORT_TIMEOUT_MS: positiveInt(300_000),
    SHUTDOWN_TIMEOUT_MS: positiveInt(10_000),
    LOG_LEVEL: logLevel(),
    ...HTTP_LIMITS_ENV,
  })
  .superRefine(checkDatabaseEnv)
  .superRefine(checkHttpLimits)
  .transform((env) => ({
    host: env.QUERY_HOST,
    port: env.QUERY_PORT,
    opsHost: env.QUERY_OPS_HOST,
    opsPort: env.QUERY_OPS_PORT,
    queryTokens: env.LEDGER_QUERY_TOKENS,
    database: databaseConnection(env),
    maxRangeDays: env.MAX_RANGE_DAYS,
    spendLogs: !env.DISABLE_SPEND_LOGS,
    statementTimeoutMs: env.QUERY_STATEMENT_TIMEOUT_MS,
    exportTimeoutMs: env.QUERY_EXPORT_TIMEOUT_MS,
    shutdownTimeoutMs: env.SHUTDOWN_TIMEOUT_MS,
    logLevel: env.LOG_LEVEL,
    httpLimits: httpLimitsOf(env),
  }));

export type QueryConfig = z.output<typeof QueryConfigSchema>;

export const loadQueryConfig = (env: NodeJS.ProcessEnv = process.env): QueryConfig =>
  parseConfig(QueryConfigSchema, env);
