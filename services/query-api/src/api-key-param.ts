import { type EntityType, normalizeApiKey } from '@spend-ledger/contract';
import { textParam } from './schemas/params.ts';

/**
 * The ledger stores an api key only as its SHA-256 digest (`normalizeApiKey`, the contract's one
 * rule), so every key the API is asked about goes through the same function first: a raw `sk-…`
 * finds its spend instead of silently answering zero, and the raw secret goes no further than here
 * (not into SQL, logs or answers).
 */
export const ApiKeyQuerySchema = textParam(256).transform(normalizeApiKey).optional().openapi({
  type: 'string',
  description: 'Only this api key: its SHA-256 hex digest, or the raw key (hashed before use)',
});

/** An entity id as the ledger stores it: a key is hashed (see ApiKeyQuerySchema), others kept. */
export const storedEntityId = (entityType: EntityType, entityId: string): string =>
  entityType === 'key' ? normalizeApiKey(entityId) : entityId;

/** Path parameters with the entity id as stored. */
export const storedEntity = <P extends { entity_type: EntityType; entity_id: string }>(params: P): P => ({
  ...params,
  entity_id: storedEntityId(params.entity_type, params.entity_id),
});
