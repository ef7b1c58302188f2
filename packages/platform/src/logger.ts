import { type DestinationStream, type Logger, type LoggerOptions, pino } from 'pino';

export type { Logger } from 'pino';

const FAILED_QUERY = 'Failed query:';

/**
 * Drizzle's query errors carry the SQL and every parameter in their message, stack and fields: for
 * a ledger write that is megabytes of events in one log line. Logged errors keep their type, the
 * driver's error (cause: code, message) and the stack frames, never the statement or its data.
 */
function scrubQueryError(serialized: Record<string, unknown>): Record<string, unknown> {
  const out = { ...serialized };
  delete out.query;
  delete out.params;
  if (typeof out.message === 'string' && out.message.startsWith(FAILED_QUERY)) {
    out.message = 'Failed query (statement and parameters not logged)';
    if (typeof out.stack === 'string') {
      const frames = out.stack.indexOf('\n    at ');
      out.stack = `${String(out.type ?? 'Error')}: ${out.message}${frames >= 0 ? out.stack.slice(frames) : ''}`;
    }
  }
  if (out.cause && typeof out.cause === 'object')
    out.cause = scrubQueryError(out.cause as Record<string, unknown>);
  return out;
}

/**
 * The one root logger of a process; components take `log.child({ component })`.
 * Secrets are redacted wherever they might be attached by mistake.
 */
export function createLogger(options: {
  service: string;
  level?: string;
  /** Where lines go; standard output by default. */
  destination?: DestinationStream;
}): Logger {
  const settings: LoggerOptions = {
    name: options.service,
    level: options.level ?? 'info',
    base: { service: options.service },
    timestamp: pino.stdTimeFunctions.isoTime,
    serializers: {
      err: (error: unknown) =>
        error instanceof Error
          ? scrubQueryError(pino.stdSerializers.err(error) as unknown as Record<string, unknown>)
          : error,
    },
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
        'config.database.url',
        'database.url',
      ],
      censor: '[redacted]',
    },
  };
  return options.destination ? pino(settings, options.destination) : pino(settings);
}
