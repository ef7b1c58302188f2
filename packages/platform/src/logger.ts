import { type Logger, pino } from 'pino';

export type { Logger } from 'pino';

/**
 * The one root logger of a process; components take `log.child({ component })`.
 * Secrets are redacted wherever they might be attached by mistake.
 */
export function createLogger(options: { service: string; level?: string }): Logger {
  return pino({
    name: options.service,
    level: options.level ?? 'info',
    base: { service: options.service },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: {
      paths: [
        'authorization',
        'headers.authorization',
        'req.headers.authorization',
        'token',
        'tokens',
        'password',
        'config.ingestTokens',
        'config.queryTokens',
        'config.databaseUrl',
      ],
      censor: '[redacted]',
    },
  });
}
