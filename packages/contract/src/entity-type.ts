import { z } from 'zod';

/** The entities the ledger aggregates spend for; `key` is the api_key itself. */
export const ENTITY_TYPES = ['key', 'user', 'end_user', 'team', 'org', 'tag'] as const;
export const EntityTypeSchema = z.enum(ENTITY_TYPES);
export type EntityType = z.infer<typeof EntityTypeSchema>;
