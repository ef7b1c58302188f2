import { MAX_METADATA_BYTES } from '@spend-ledger/contract';
import {
  firstText,
  isRecord,
  type Json,
  parseLiteLLMTime,
  readCacheTokens,
  readCost,
  readObject,
  readTags,
  record,
  storable,
  text,
  tokens,
} from './litellm-fields.ts';

/**
 * THE mapping from what a LiteLLM proxy sends to the ledger's event contract, for both of its ways
 * of shipping spend:
 *
 * - `standard_logging_payload`: the generic_api callback's StandardLoggingPayload
 *   (litellm/types/utils.py);
 * - `spend_log`: the SPEND_LOGS_URL row, SpendLogsPayload (litellm/proxy/_types.py), with
 *   `metadata` and `request_tags` as JSON text.
 *
 * The result is a contract *input*: the gateway prices it when it has no cost (spend undefined),
 * then validates it with the contract like any /v1/events event. Only what the ledger cannot do
 * without is refused here (request id, start time, model); everything else has a default, because a
 * refused batch is a batch LiteLLM will not send again.
 */
export type LiteLLMFormat = 'standard_logging_payload' | 'spend_log';

export interface ItemIssue {
  /** The LiteLLM field, as LiteLLM names it. */
  field: string;
  message: string;
}

export type MappedItem = { ok: true; event: Json } | { ok: false; issues: ItemIssue[] };

/** Contract field → the LiteLLM field it comes from, to name contract errors in LiteLLM's terms. */
export const SOURCE_FIELDS: Record<LiteLLMFormat, Record<string, string>> = {
  standard_logging_payload: {
    request_id: 'litellm_call_id',
    timestamp: 'startTime',
    end_time: 'endTime',
    api_key: 'metadata.user_api_key_hash',
    user_id: 'metadata.user_api_key_user_id',
    team_id: 'metadata.user_api_key_team_id',
    org_id: 'metadata.user_api_key_org_id',
    end_user_id: 'end_user',
    tags: 'request_tags',
    provider: 'custom_llm_provider',
    spend: 'response_cost',
  },
  spend_log: {
    timestamp: 'startTime',
    end_time: 'endTime',
    user_id: 'user',
    org_id: 'organization_id',
    end_user_id: 'end_user',
    tags: 'request_tags',
    provider: 'custom_llm_provider',
  },
};

export function mapLiteLLMItem(format: LiteLLMFormat, item: unknown): MappedItem {
  if (!isRecord(item)) return { ok: false, issues: [{ field: '(item)', message: 'must be a JSON object' }] };
  return format === 'standard_logging_payload' ? mapStandardLoggingPayload(item) : mapSpendLog(item);
}

function mapStandardLoggingPayload(p: Json): MappedItem {
  const md = record(p.metadata);
  const hidden = record(p.hidden_params);
  const cacheHit = p.cache_hit === true;
  const cost = readCost(p.response_cost, {
    cacheHit,
    senderCouldNotPrice: isRecord(p.response_cost_failure_debug_info),
  });
  return finish(
    {
      // litellm_call_id is unique per call; `id` is the provider's response id, suffixed on a cache hit.
      request_id: firstText(p.litellm_call_id, p.id),
      requestIdField: 'litellm_call_id',
      startTime: p.startTime,
      endTime: p.endTime,
      // A SHA-256 hex, kept as is; "" when the request used no virtual key.
      api_key: firstText(md.user_api_key_hash, p.api_key) ?? '',
      user_id: firstText(md.user_api_key_user_id, p.user),
      team_id: firstText(md.user_api_key_team_id, md.team_id, p.team_id),
      org_id: firstText(md.user_api_key_org_id, p.organization_id),
      end_user_id: firstText(p.end_user, md.user_api_key_end_user_id),
      tags: readTags(p.request_tags),
      model: firstText(p.model, p.model_group),
      model_group: text(p.model_group),
      provider: text(p.custom_llm_provider),
      prompt_tokens: tokens(p.prompt_tokens),
      completion_tokens: tokens(p.completion_tokens),
      ...readCacheTokens(md.usage_object, hidden.usage_object, record(p.response).usage),
      cost,
      costField: 'response_cost',
      status: p.status === 'failure' ? 'failure' : 'success',
    },
    {
      source: 'litellm:generic_api',
      call_type: text(p.call_type),
      stream: p.stream === true ? true : undefined,
      cache_hit: cacheHit || undefined,
      saved_cache_cost: cacheHit ? p.saved_cache_cost : undefined,
      response_id: text(p.id),
      trace_id: text(p.trace_id),
      model_id: text(p.model_id),
      key_alias: text(md.user_api_key_alias),
      team_alias: text(md.user_api_key_team_alias),
      org_alias: text(md.user_api_key_org_alias),
      error: p.status === 'failure' ? errorSummary(record(p.error_information), p.error_str) : undefined,
      spend_logs_metadata: md.spend_logs_metadata,
    },
  );
}

function mapSpendLog(row: Json): MappedItem {
  const md = readObject(row.metadata);
  const cacheHit = row.cache_hit === true || row.cache_hit === 'True' || row.cache_hit === 'true';
  const status = row.status ?? md.status;
  return finish(
    {
      request_id: text(row.request_id),
      requestIdField: 'request_id',
      startTime: row.startTime,
      endTime: row.endTime,
      api_key: firstText(row.api_key, md.user_api_key) ?? '',
      user_id: firstText(row.user, md.user_api_key_user_id),
      team_id: firstText(row.team_id, md.user_api_key_team_id),
      org_id: firstText(row.organization_id, md.user_api_key_org_id),
      end_user_id: firstText(row.end_user, md.user_api_key_end_user_id),
      tags: readTags(row.request_tags),
      model: firstText(row.model, row.model_group),
      model_group: text(row.model_group),
      provider: text(row.custom_llm_provider),
      prompt_tokens: tokens(row.prompt_tokens),
      completion_tokens: tokens(row.completion_tokens),
      ...readCacheTokens(md.usage_object, md.additional_usage_values),
      cost: readCost(row.spend, { cacheHit, senderCouldNotPrice: false }),
      costField: 'spend',
      status: status === 'failure' ? 'failure' : 'success',
    },
    {
      source: 'litellm:spend_logs_url',
      call_type: text(row.call_type),
      cache_hit: cacheHit || undefined,
      session_id: text(row.session_id),
      model_id: text(row.model_id),
      key_alias: text(md.user_api_key_alias),
      team_alias: text(md.user_api_key_team_alias),
      error: status === 'failure' ? errorSummary(record(md.error_information), undefined) : undefined,
      spend_logs_metadata: md.spend_logs_metadata,
    },
  );
}

interface Fields {
  request_id: string | null;
  requestIdField: string;
  startTime: unknown;
  endTime: unknown;
  api_key: string;
  user_id: string | null;
  team_id: string | null;
  org_id: string | null;
  end_user_id: string | null;
  tags: string[];
  model: string | null;
  model_group: string | null;
  provider: string | null;
  prompt_tokens: number;
  completion_tokens: number;
  cache_read_input_tokens: number;
  cache_creation_input_tokens: number;
  cost: ReturnType<typeof readCost>;
  costField: string;
  status: 'success' | 'failure';
}

function finish(f: Fields, metadata: Json): MappedItem {
  const issues: ItemIssue[] = [];
  const timestamp = parseLiteLLMTime(f.startTime);
  if (f.request_id === null) issues.push({ field: f.requestIdField, message: 'missing: no request id' });
  if (timestamp === null) {
    issues.push({
      field: 'startTime',
      message: 'must be epoch seconds or a date-time such as 2025-01-24T09:20:46Z',
    });
  }
  if (f.model === null) issues.push({ field: 'model', message: 'missing: neither model nor model_group' });
  if ('error' in f.cost) issues.push({ field: f.costField, message: f.cost.error });
  if (issues.length > 0 || 'error' in f.cost || timestamp === null) return { ok: false, issues };
  return {
    ok: true,
    event: {
      request_id: f.request_id,
      timestamp,
      end_time: parseLiteLLMTime(f.endTime),
      api_key: f.api_key,
      user_id: f.user_id,
      team_id: f.team_id,
      org_id: f.org_id,
      end_user_id: f.end_user_id,
      tags: f.tags,
      model: f.model,
      model_group: f.model_group,
      provider: f.provider,
      prompt_tokens: f.prompt_tokens,
      completion_tokens: f.completion_tokens,
      cache_read_input_tokens: f.cache_read_input_tokens,
      cache_creation_input_tokens: f.cache_creation_input_tokens,
      spend: f.cost.spend,
      status: f.status,
      metadata: smallMetadata(metadata),
    },
  };
}

function errorSummary(info: Json, errorStr: unknown): Json {
  return {
    class: text(info.error_class),
    code: text(info.error_code) ?? (typeof info.error_code === 'number' ? String(info.error_code) : null),
    provider: text(info.llm_provider),
    message: firstText(info.error_message, errorStr),
  };
}

// Leaves room under the contract's limit for the small fields when spend_logs_metadata is large.
const MAX_CALLER_METADATA_BYTES = MAX_METADATA_BYTES / 2;

/**
 * A useful, bounded subset of LiteLLM's metadata: never the messages or the response (they can be
 * megabytes and hold personal data), only what helps to find and explain a request. The caller's own
 * spend_logs_metadata is kept while it is small.
 */
function smallMetadata(fields: Json): Json {
  const metadata = storable(fields) as Json;
  const callerMetadata = metadata.spend_logs_metadata;
  if (
    callerMetadata !== undefined &&
    Buffer.byteLength(JSON.stringify(callerMetadata)) > MAX_CALLER_METADATA_BYTES
  ) {
    metadata.spend_logs_metadata = { dropped: `larger than ${MAX_CALLER_METADATA_BYTES} bytes` };
  }
  // Escapes can still blow 512-character strings up six-fold: never let metadata refuse a request.
  if (Buffer.byteLength(JSON.stringify(metadata)) > MAX_METADATA_BYTES) {
    return { source: metadata.source, dropped: `larger than ${MAX_METADATA_BYTES} bytes` };
  }
  return metadata;
}
