export {
  ConfigError,
  csv,
  databaseUrl,
  exitOnConfigError,
  flag,
  kafkaBrokers,
  logLevel,
  parseConfig,
  port,
  positiveInt,
} from './config.ts';
export { assertTokenSyntax, bearerAuth, bearerTokenAuth, matchesAnyToken } from './http-auth.ts';
export {
  ApiError,
  ERROR_STATUS,
  type ErrorBody,
  type ErrorCode,
  type ErrorDetail,
  errorResponse,
  handleErrors,
  handleNotFound,
} from './http-errors.ts';
export { type HealthOptions, healthRoutes } from './http-health.ts';
export { createLogger, type Logger } from './logger.ts';
export { Counter, createMetricsRegistry, Gauge, Histogram, Registry } from './metrics.ts';
export { createOpsApp } from './ops-app.ts';
export type { RequestIdEnv } from './request-env.ts';
export {
  type Listening,
  listen,
  type RunningService,
  readinessGate,
  runShutdownSteps,
} from './running-service.ts';
export { installShutdown, type ShutdownStep } from './shutdown.ts';
