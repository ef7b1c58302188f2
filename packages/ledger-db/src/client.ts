import type { ConnectionOptions } from 'node:tls';
import { drizzle, type PostgresJsDatabase } from 'drizzle-orm/postgres-js';
import postgres, { type Sql } from 'postgres';
import { type DatabaseConnection, tlsOptions } from './connection-settings.ts';
import { createIamPassword } from './iam-token.ts';
import * as schema from './schema/index.ts';

/** Drizzle over postgres.js; `$client` is the raw client, for cursors (streamed exports). */
export type LedgerDb = PostgresJsDatabase<typeof schema> & { $client: Sql };

export interface LedgerDbHandle {
  db: LedgerDb;
  /** Ends the pool, waiting up to `timeoutSeconds` for running queries. */
  close(timeoutSeconds?: number): Promise<void>;
}

export interface LedgerDbOptions {
  /** Pool size. The writer needs one connection per concurrent batch; the query API more. */
  maxConnections?: number;
  /** Postgres application_name, visible in pg_stat_activity. */
  applicationName?: string;
  /** Server settings for every connection of the pool, e.g. `{ jit: 'off' }`. */
  settings?: Record<string, string>;
  /** TLS to the server (false: none). Default: whatever the URL's sslmode says to postgres.js. */
  ssl?: ConnectionOptions | false;
  /** TCP connect, TLS and authentication of one connection must finish within this (default 30 s). */
  connectTimeoutMs?: number;
  /** Close a connection idle this long (default: never). */
  idleTimeoutMs?: number;
  /**
   * The password, or a function postgres.js calls for each new connection (IAM tokens). Default:
   * the URL's password.
   */
  password?: string | (() => Promise<string>);
}

/** The pool options a configured connection asks for (TLS, timeouts, size, IAM tokens). */
export function poolOptions(connection: DatabaseConnection): LedgerDbOptions {
  const options: LedgerDbOptions = {
    maxConnections: connection.maxConnections,
    ssl: tlsOptions(connection),
    connectTimeoutMs: connection.connectTimeoutMs,
    idleTimeoutMs: connection.idleTimeoutMs,
  };
  if (connection.iam) {
    const url = new URL(connection.url);
    options.password = createIamPassword({
      ...connection.iam,
      hostname: url.hostname.replace(/^\[|\]$/g, ''),
      port: Number(url.port || 5432),
      username: decodeURIComponent(url.username),
    });
  }
  return options;
}

/** The postgres.js settings that createLedgerDb and the database-creating helpers share. */
export function connectionSettings(options: LedgerDbOptions): postgres.Options<Record<string, never>> {
  return {
    ...(options.ssl === undefined ? {} : { ssl: options.ssl }),
    ...(options.connectTimeoutMs === undefined ? {} : { connect_timeout: options.connectTimeoutMs / 1000 }),
    ...(options.idleTimeoutMs ? { idle_timeout: options.idleTimeoutMs / 1000 } : {}),
    ...(options.password === undefined ? {} : { password: options.password }),
  };
}

/** Opens a postgres.js pool wrapped in Drizzle. Nothing connects until the first query. */
export function createLedgerDb(url: string, options: LedgerDbOptions = {}): LedgerDbHandle {
  const client = postgres(url, {
    ...connectionSettings(options),
    max: options.maxConnections ?? 10,
    onnotice: () => {},
    connection: { ...options.settings, application_name: options.applicationName ?? 'spend-ledger' },
    // numeric and bigint arrive as strings: money stays exact and nothing silently rounds.
    types: {},
  });
  const db = drizzle(client, { schema });
  return { db, close: (timeoutSeconds = 5) => client.end({ timeout: timeoutSeconds }) };
}

/** Cheap probe for readiness checks; true when the database answered. */
export async function pingLedgerDb(db: LedgerDb): Promise<boolean> {
  await db.execute('select 1');
  return true;
}
