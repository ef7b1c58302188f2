import { createHash, randomBytes } from 'node:crypto';
import { normalizeApiKey } from '@spend-ledger/contract';
import { sql } from 'drizzle-orm';
import type { LedgerDb } from '../client.ts';

/** What a query API token may read: everything, or one team, org or api key and what is inside it. */
export type TokenScope = { type: 'admin' } | { type: 'team' | 'org' | 'key'; id: string };

export interface ApiTokenRecord {
  id: string;
  name: string;
  scope: TokenScope;
  createdAt: string;
  expiresAt: string | null;
  revokedAt: string | null;
}

/** Tokens start with this, so secret scanners and people can recognise one. */
export const TOKEN_PREFIX = 'slq_';

/** SHA-256 hex of a token: what the table stores. A token is 256 random bits; no slow hash needed. */
export const hashToken = (token: string): string => createHash('sha256').update(token).digest('hex');

type Row = {
  id: string;
  name: string;
  scope_type: 'admin' | 'team' | 'org' | 'key';
  scope_id: string | null;
  created_at: string;
  expires_at: string | null;
  revoked_at: string | null;
};

const toRecord = (r: Row): ApiTokenRecord => ({
  id: r.id,
  name: r.name,
  scope: r.scope_type === 'admin' ? { type: 'admin' } : { type: r.scope_type, id: r.scope_id as string },
  createdAt: r.created_at,
  expiresAt: r.expires_at,
  revokedAt: r.revoked_at,
});

const iso = (column: string) =>
  sql.raw(`to_char(${column} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')`);
const columns = sql`id, name, scope_type, scope_id, ${iso('created_at')} as created_at,
  ${iso('expires_at')} as expires_at, ${iso('revoked_at')} as revoked_at`;

/**
 * Issues a token: returns the secret once (only its hash is stored) and the stored record.
 *
 * @example const { token } = await createApiToken(db, { scope: { type: 'team', id: 'research' } });
 */
export async function createApiToken(
  db: LedgerDb,
  params: { scope: TokenScope; name?: string; expiresAt?: string },
): Promise<{ token: string; record: ApiTokenRecord }> {
  const token = TOKEN_PREFIX + randomBytes(32).toString('base64url');
  const id = `tok_${randomBytes(9).toString('base64url')}`;
  // A key scope names the key as the ledger stores it: its digest, even when given the raw key.
  const scopeId =
    params.scope.type === 'admin'
      ? null
      : params.scope.type === 'key'
        ? normalizeApiKey(params.scope.id)
        : params.scope.id;
  const rows = await db.execute<Row>(sql`
    insert into api_tokens (id, token_hash, name, scope_type, scope_id, expires_at)
    values (${id}, ${hashToken(token)}, ${params.name ?? ''}, ${params.scope.type}, ${scopeId},
      ${params.expiresAt ?? null}::timestamptz)
    returning ${columns}`);
  return { token, record: toRecord(rows[0] as Row) };
}

/** The record of a token that is neither revoked nor expired, or null. */
export async function findActiveApiToken(db: LedgerDb, token: string): Promise<ApiTokenRecord | null> {
  const rows = await db.execute<Row>(sql`
    select ${columns} from api_tokens
    where token_hash = ${hashToken(token)} and revoked_at is null
      and (expires_at is null or expires_at > now())`);
  return rows[0] ? toRecord(rows[0]) : null;
}

export async function listApiTokens(db: LedgerDb): Promise<ApiTokenRecord[]> {
  const rows = await db.execute<Row>(sql`select ${columns} from api_tokens order by created_at, id`);
  return rows.map(toRecord);
}

/** Revokes a token by id; false when no active token has that id. Takes effect on the next request. */
export async function revokeApiToken(db: LedgerDb, id: string): Promise<boolean> {
  const rows = await db.execute<{ id: string }>(sql`
    update api_tokens set revoked_at = now() where id = ${id} and revoked_at is null returning id`);
  return rows.length > 0;
}
