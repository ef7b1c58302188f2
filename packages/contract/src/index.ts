export { isApiKeyDigest, normalizeApiKey } from './api-key.ts';
export {
  ENTITY_TYPES,
  type EntityType,
  EntityTypeSchema,
  PROXY_ENTITY_ID,
  parseTeamMemberId,
  teamMemberId,
} from './entity-type.ts';
export {
  CONTRACT_VERSION_HEADER,
  type DecodedRecord,
  decodeRecord,
  ENVELOPE_VERSION,
  encodeEnvelope,
  encodeEnvelopeBytes,
  type RecordItem,
} from './envelope.ts';
export {
  canonicalSpend,
  divideHalfEven,
  formatSpend,
  MAX_EVENT_SPEND_USD,
  type ParsedSpend,
  parseSpend,
  roundSpend,
  SPEND_SCALE,
  SpendSum,
  spendToUnits,
} from './money.ts';
export { REDACTED, redactSecrets } from './redact-secrets.ts';
export {
  type BatchParseResult,
  CONTRACT_VERSION,
  type EventIssue,
  MAX_METADATA_BYTES,
  MAX_TAGS,
  MAX_TOKENS,
  parseSpendEventBatch,
  type SpendEvent,
  type SpendEventInput,
  SpendEventSchema,
  spendDay,
} from './spend-event.ts';
export {
  isoUtc,
  isSentInNormalForm,
  isStorableJson,
  parseSpendEventBatchFast,
  parseSpendEventFast,
} from './spend-event-fast-path.ts';
export { isStorableText } from './storable-text.ts';
export {
  EARLIEST_DATE,
  EARLIEST_INSTANT_MS,
  instantInRange,
  LATEST_DATE,
  LATEST_INSTANT_MS,
} from './time-bounds.ts';
