import { sql } from 'drizzle-orm';
import { check, pgTable, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';

/**
 * Query API tokens. Only the SHA-256 of a token is stored: tokens are 256-bit random strings, so a
 * fast hash is enough and the table alone lets no one read the ledger. `scope_type` `admin` reads
 * everything; `team`, `org` or `key` reads only that entity (`scope_id`) and what is inside it.
 */
export const apiTokens = pgTable(
  'api_tokens',
  {
    /** Public identifier, printed by `ledger token list` and used to revoke. */
    id: text('id').primaryKey(),
    tokenHash: text('token_hash').notNull(),
    name: text('name').notNull().default(''),
    scopeType: text('scope_type', { enum: ['admin', 'team', 'org', 'key'] }).notNull(),
    scopeId: text('scope_id'),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'string' }).notNull().defaultNow(),
    expiresAt: timestamp('expires_at', { withTimezone: true, mode: 'string' }),
    revokedAt: timestamp('revoked_at', { withTimezone: true, mode: 'string' }),
  },
  (t) => [
    uniqueIndex('api_tokens_token_hash_idx').on(t.tokenHash),
    check(
      'api_tokens_scope_check',
      sql`(${t.scopeType} = 'admin' and ${t.scopeId} is null) or (${t.scopeType} in ('team', 'org', 'key') and ${t.scopeId} is not null)`,
    ),
  ],
);
