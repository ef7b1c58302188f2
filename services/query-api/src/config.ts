import { csv, databaseUrl, logLevel, parseConfig, port, positiveInt } from '@spend-ledger/platform';
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
    DATABASE_URL: databaseUrl(),
    DB_POOL_MAX: positiveInt(10),
    /** Widest date range one request may ask for, in days. */
    MAX_RANGE_DAYS: positiveInt(366),
    SHUTDOWN_TIMEOUT_MS: positiveInt(10_000),
    LOG_LEVEL: logLevel(),
  })
  .transform((env) => ({
    host: env.QUERY_HOST,
    port: env.QUERY_PORT,
    opsHost: env.QUERY_OPS_HOST,
    opsPort: env.QUERY_OPS_PORT,
    queryTokens: env.LEDGER_QUERY_TOKENS,
    databaseUrl: env.DATABASE_URL,
    dbPoolMax: env.DB_POOL_MAX,
    maxRangeDays: env.MAX_RANGE_DAYS,
    shutdownTimeoutMs: env.SHUTDOWN_TIMEOUT_MS,
    logLevel: env.LOG_LEVEL,
  }));

export type QueryConfig = z.output<typeof QueryConfigSchema>;

export const loadQueryConfig = (env: NodeJS.ProcessEnv = process.env): QueryConfig =>
  parseConfig(QueryConfigSchema, env);
