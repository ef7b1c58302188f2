import { type ConnectionOptions, checkServerIdentity } from 'node:tls';
import { databaseUrl, fileContents, flag, optionalText, positiveInt } from '@spend-ledger/platform';
import { z } from 'zod';
import type { IamAuth } from './iam-token.ts';

const SSL_MODES = ['disable', 'require', 'verify-ca', 'verify-full'] as const;
export type SslMode = (typeof SSL_MODES)[number];

/** Everything a service needs to open its pool; built from the environment by databaseEnv. */
export interface DatabaseConnection {
  url: string;
  maxConnections: number;
  sslMode: SslMode;
  /** PEM CA bundle (e.g. the RDS global bundle); without it Node's public roots are used. */
  sslCa?: string;
  connectTimeoutMs: number;
  /** An idle connection is closed after this long; 0 keeps it open. */
  idleTimeoutMs: number;
  /** Set: the password of every new connection is a fresh RDS IAM token. */
  iam?: IamAuth;
}

/**
 * The Postgres variables of every process that opens the ledger database: spread into the schema,
 * add `.superRefine(checkDatabaseEnv)`, build with `databaseConnection(env)`.
 */
export const databaseEnv = (defaults: { poolMax: number }) => ({
  DATABASE_URL: databaseUrl(),
  /** Connections in this process's pool. */
  DB_POOL_MAX: positiveInt(defaults.poolMax),
  /** libpq's sslmode; default: the URL's sslmode, else disable. prefer and allow are refused. */
  DB_SSLMODE: z.enum(SSL_MODES, { error: `must be one of ${SSL_MODES.join(', ')}` }).optional(),
  /** PEM CA bundle the server's certificate must chain to. */
  DB_SSL_CA_FILE: fileContents(),
  /** A connection attempt (TCP, TLS and authentication) taking longer fails. */
  DB_CONNECT_TIMEOUT_MS: positiveInt(10_000),
  /** Idle connections are closed after this long (0 = never). */
  DB_IDLE_TIMEOUT_MS: z.coerce.number().int().min(0).default(60_000),
  /** Authenticate with short-lived RDS IAM tokens instead of a password (LiteLLM's setting). */
  IAM_TOKEN_DB_AUTH: flag(false),
  /** Region the IAM tokens are signed for. */
  AWS_REGION: optionalText(),
});

type DatabaseEnvInput = z.output<z.ZodObject<ReturnType<typeof databaseEnv>>>;

/** The sslmode in the URL's query string, if any. */
function urlSslMode(url: string): string | undefined {
  try {
    return new URL(url).searchParams.get('sslmode') ?? undefined;
  } catch {
    return undefined;
  }
}

function urlCredentials(url: string): { username: string; password: string } {
  try {
    const { username, password } = new URL(url);
    return { username, password };
  } catch {
    return { username: '', password: '' };
  }
}

/** Cross-variable rules, each issue naming the variable to fix. */
export function checkDatabaseEnv(env: DatabaseEnvInput, ctx: z.RefinementCtx): void {
  const problem = (variable: string, message: string) =>
    ctx.addIssue({ code: 'custom', path: [variable], message });
  const inUrl = urlSslMode(env.DATABASE_URL);
  if (inUrl !== undefined && !(SSL_MODES as readonly string[]).includes(inUrl)) {
    problem(
      'DATABASE_URL',
      `sslmode=${inUrl} is not accepted (it may silently fall back to plaintext): use ${SSL_MODES.join(', ')}`,
    );
  } else if (inUrl !== undefined && env.DB_SSLMODE !== undefined && inUrl !== env.DB_SSLMODE) {
    problem('DB_SSLMODE', `is ${env.DB_SSLMODE} but DATABASE_URL says sslmode=${inUrl}: set one of them`);
  }
  const mode = env.DB_SSLMODE ?? inUrl ?? 'disable';
  if (env.DB_SSL_CA_FILE !== undefined && mode === 'disable') {
    problem('DB_SSL_CA_FILE', 'is set but DB_SSLMODE is disable');
  }
  if (env.IAM_TOKEN_DB_AUTH) {
    if (env.AWS_REGION === undefined) problem('AWS_REGION', 'is required when IAM_TOKEN_DB_AUTH is true');
    if (mode === 'disable') {
      problem('DB_SSLMODE', 'must be require, verify-ca or verify-full when IAM_TOKEN_DB_AUTH is true');
    }
    const { username, password } = urlCredentials(env.DATABASE_URL);
    if (password !== '') problem('DATABASE_URL', 'must not carry a password when IAM_TOKEN_DB_AUTH is true');
    if (username === '')
      problem('DATABASE_URL', 'must name the database user when IAM_TOKEN_DB_AUTH is true');
  }
}

/** The connection described by the variables (after checkDatabaseEnv passed). */
export function databaseConnection(env: DatabaseEnvInput): DatabaseConnection {
  const mode = env.DB_SSLMODE ?? (urlSslMode(env.DATABASE_URL) as SslMode | undefined) ?? 'disable';
  return {
    url: env.DATABASE_URL,
    maxConnections: env.DB_POOL_MAX,
    sslMode: mode,
    ...(env.DB_SSL_CA_FILE === undefined ? {} : { sslCa: env.DB_SSL_CA_FILE }),
    connectTimeoutMs: env.DB_CONNECT_TIMEOUT_MS,
    idleTimeoutMs: env.DB_IDLE_TIMEOUT_MS,
    ...(env.IAM_TOKEN_DB_AUTH && env.AWS_REGION ? { iam: { region: env.AWS_REGION } } : {}),
  };
}

/** The whole Postgres environment of a command-line tool, parsed on its own. */
export const DatabaseEnvSchema = z
  .object(databaseEnv({ poolMax: 1 }))
  .superRefine(checkDatabaseEnv)
  .transform(databaseConnection);

/**
 * Node TLS options for an sslmode, with libpq's meaning: `require` encrypts without checking the
 * certificate (unless a CA file is given, when it checks the chain like verify-ca), `verify-ca`
 * checks the chain, `verify-full` checks the chain and that the certificate names the URL's host.
 */
export function tlsOptions(
  connection: Pick<DatabaseConnection, 'url' | 'sslMode' | 'sslCa'>,
): ConnectionOptions | false {
  const ca = connection.sslCa === undefined ? {} : { ca: connection.sslCa };
  switch (connection.sslMode) {
    case 'disable':
      return false;
    case 'require':
      return connection.sslCa === undefined
        ? { rejectUnauthorized: false }
        : { rejectUnauthorized: true, ...ca, checkServerIdentity: () => undefined };
    case 'verify-ca':
      return { rejectUnauthorized: true, ...ca, checkServerIdentity: () => undefined };
    case 'verify-full': {
      // postgres.js sends no SNI name for an IP host, and Node would then check against
      // "localhost": check against the URL's host ourselves.
      const host = new URL(connection.url).hostname.replace(/^\[|\]$/g, '');
      return {
        rejectUnauthorized: true,
        ...ca,
        checkServerIdentity: (_, cert) => checkServerIdentity(host, cert),
      };
    }
  }
}
