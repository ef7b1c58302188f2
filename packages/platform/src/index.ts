export {
  ConfigError,
  csv,
  databaseUrl,
  exitOnConfigError,
  fileContents,
  flag,
  kafkaBrokers,
  logLevel,
  optionalSecret,
  optionalText,
  parseConfig,
  port,
  positiveInt,
  secretFileContents,
} from './config.ts';
export {
  assertTokenSyntax,
  BEARER_TOKEN_SYNTAX,
  bearerAuth,
  bearerTokenAuth,
  matchesAnyToken,
} from './http-auth.ts';
export {
  ApiError,
  ERROR_STATUS,
  type ErrorBody,
  type ErrorCode,
  type ErrorDetail,
  errorBodyOf,
  errorResponse,
  handleErrors,
  handleNotFound,
  INTERNAL_MESSAGE,
} from './http-errors.ts';
export { type HealthOptions, healthRoutes } from './http-health.ts';
export { checkHttpLimits, HTTP_LIMITS_ENV, type HttpLimits, httpLimitsOf } from './http-limits.ts';
export { createLogger, type Logger } from './logger.ts';
export { Counter, createMetricsRegistry, Gauge, Histogram, Registry } from './metrics.ts';
export { createOpsApp } from './ops-app.ts';
export {
  assignRequestId,
  clientRequestIdOf,
  MAX_CLIENT_REQUEST_ID,
  privateResponses,
  requestRoute,
} from './request-context.ts';
export type { RequestIdEnv } from './request-env.ts';
export {
  type Listening,
  listen,
  type NodeFastPath,
  type RunningService,
  readinessGate,
  runShutdownSteps,
} from './running-service.ts';
export { Secret } from './secret.ts';
export { installShutdown, type ShutdownStep } from './shutdown.ts';
