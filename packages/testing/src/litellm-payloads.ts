import { createHash, randomUUID } from 'node:crypto';

/**
 * Builders for what a LiteLLM proxy really sends, shaped after LiteLLM's own code:
 * `StandardLoggingPayload` (litellm/types/utils.py, built by get_standard_logging_object_payload in
 * litellm_logging.py) is what the generic_api callback posts; `SpendLogsPayload`
 * (litellm/proxy/_types.py, built by get_logging_payload in spend_tracking_utils.py) is the row
 * SPEND_LOGS_URL receives, with `metadata` and `request_tags` as JSON strings and `cache_hit` as
 * the string "True"/"False". Fields LiteLLM sets to null are null here, fields it leaves out are
 * absent, and the float noise in costs is LiteLLM's own.
 */

type Json = Record<string, unknown>;

/** LiteLLM keeps a virtual key as the SHA-256 hex of `sk-...`, and logs only that. */
export const litellmKeyHash = (rawKey: string) => createHash('sha256').update(rawKey).digest('hex');

/** Metadata of a proxy call made with a virtual key of a user in a team of an org. */
export function aStandardLoggingMetadata(overrides: Json = {}): Json {
  return {
    user_api_key_hash: litellmKeyHash('sk-litellm-test-key-0001'),
    user_api_key_alias: 'ci-pipeline',
    user_api_key_spend: 1.2345000000000002,
    user_api_key_max_budget: null,
    user_api_key_budget_reset_at: null,
    user_api_key_org_id: 'org-acme',
    user_api_key_org_alias: 'Acme',
    user_api_key_team_id: 'team-research',
    user_api_key_project_id: null,
    user_api_key_project_alias: null,
    user_api_key_user_id: 'alice',
    user_api_key_user_email: 'alice@example.com',
    user_api_key_team_alias: 'Research',
    user_api_key_end_user_id: null,
    user_api_key_request_route: '/chat/completions',
    user_api_key_auth_metadata: null,
    spend_logs_metadata: { job: 'nightly-eval' },
    requester_ip_address: '10.0.0.4',
    user_agent: 'OpenAI/Python 1.66.3',
    requester_metadata: {},
    requester_custom_headers: {},
    prompt_management_metadata: null,
    mcp_tool_call_metadata: null,
    vector_store_request_metadata: null,
    applied_guardrails: [],
    usage_object: {
      completion_tokens: 10,
      prompt_tokens: 50,
      total_tokens: 60,
      completion_tokens_details: {
        accepted_prediction_tokens: 0,
        audio_tokens: 0,
        reasoning_tokens: 0,
        rejected_prediction_tokens: 0,
        text_tokens: null,
      },
      prompt_tokens_details: { audio_tokens: 0, cached_tokens: 0, text_tokens: null, image_tokens: null },
    },
    cold_storage_object_key: null,
    team_alias: null,
    team_id: null,
    ...overrides,
  };
}

/**
 * One element of the generic_api callback's body: a successful, non-streaming chat completion of
 * gpt-4o-mini (50 prompt + 10 completion tokens, response_cost 0.000225 with float noise) at
 * 2025-01-24T09:20:46.847Z, start and end as epoch float seconds.
 */
export function aStandardLoggingPayload(overrides: Json = {}, metadata: Json = {}): Json {
  const callId = randomUUID();
  const responseId = `chatcmpl-${randomUUID().replaceAll('-', '').slice(0, 29)}`;
  const md = aStandardLoggingMetadata(metadata);
  return {
    id: responseId,
    litellm_call_id: callId,
    trace_id: randomUUID(),
    call_id: callId,
    call_type: 'acompletion',
    stream: null,
    response_cost: 0.00022500000000000002,
    cost_breakdown: {
      input_cost: 0.0000075,
      output_cost: 0.000006,
      total_cost: 0.00022500000000000002,
      tool_usage_cost: 0,
    },
    response_cost_failure_debug_info: null,
    status: 'success',
    status_fields: { llm_api_status: 'success', guardrail_status: 'not_run' },
    custom_llm_provider: 'openai',
    total_tokens: 60,
    prompt_tokens: 50,
    completion_tokens: 10,
    startTime: 1737710446.847371,
    endTime: 1737710447.912394,
    completionStartTime: 1737710447.912394,
    response_time: 1.0650229454040527,
    model_map_information: {
      model_map_key: 'gpt-4o-mini',
      model_map_value: { key: 'gpt-4o-mini', input_cost_per_token: 1.5e-7, output_cost_per_token: 6e-7 },
    },
    model: 'gpt-4o-mini',
    model_id: '4f5c3a1e9b2d8c7f6e5d4c3b2a1f0e9d8c7b6a5f4e3d2c1b0a9f8e7d6c5b4a3f',
    model_group: 'gpt-4o-mini',
    api_base: 'https://api.openai.com/v1',
    metadata: md,
    cache_hit: null,
    cache_key: null,
    saved_cache_cost: 0.0,
    request_tags: ['prod', 'User-Agent: OpenAI/Python 1.66.3'],
    end_user: '',
    requester_ip_address: '10.0.0.4',
    user_agent: 'OpenAI/Python 1.66.3',
    messages: [{ role: 'user', content: 'Summarise the ledger design in one line.' }],
    response: {
      id: responseId,
      created: 1737710447,
      model: 'gpt-4o-mini-2024-07-18',
      object: 'chat.completion',
      system_fingerprint: 'fp_72ed7ab54c',
      choices: [
        {
          finish_reason: 'stop',
          index: 0,
          message: { content: 'An exact, idempotent spend log.', role: 'assistant', tool_calls: null },
        },
      ],
      usage: md.usage_object,
    },
    error_str: null,
    error_information: {
      error_code: '',
      error_class: '',
      llm_provider: '',
      traceback: '',
      error_message: '',
    },
    model_parameters: { temperature: 0.2 },
    hidden_params: {
      model_id: '4f5c3a1e9b2d8c7f6e5d4c3b2a1f0e9d8c7b6a5f4e3d2c1b0a9f8e7d6c5b4a3f',
      cache_key: null,
      api_base: 'https://api.openai.com/v1',
      response_cost: 0.00022500000000000002,
      litellm_overhead_time_ms: 2.41,
      additional_headers: { x_ratelimit_limit_requests: 30000, x_ratelimit_remaining_requests: 29999 },
      batch_models: null,
      litellm_model_name: 'gpt-4o-mini',
      usage_object: md.usage_object,
    },
    guardrail_information: null,
    standard_built_in_tools_params: { web_search_options: null, file_search: null },
    ...overrides,
  };
}

/** The SpendLogsMetadata LiteLLM serialises into a spend-log row's `metadata` string. */
export function aSpendLogsMetadata(overrides: Json = {}): Json {
  return {
    user_api_key: litellmKeyHash('sk-litellm-test-key-0001'),
    user_api_key_alias: 'ci-pipeline',
    user_api_key_team_id: 'team-research',
    user_api_key_org_id: 'org-acme',
    user_api_key_user_id: 'alice',
    user_api_key_team_alias: 'Research',
    spend_logs_metadata: null,
    requester_ip_address: '10.0.0.4',
    additional_usage_values: {
      completion_tokens_details: { reasoning_tokens: 0 },
      prompt_tokens_details: { cached_tokens: 0 },
    },
    applied_guardrails: [],
    status: 'success',
    error_information: null,
    proxy_server_request: null,
    batch_models: null,
    mcp_tool_call_metadata: null,
    vector_store_request_metadata: null,
    guardrail_information: null,
    usage_object: {
      completion_tokens: 10,
      prompt_tokens: 50,
      total_tokens: 60,
      prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
    },
    model_map_information: { model_map_key: 'gpt-4o-mini', model_map_value: null },
    cold_storage_object_key: null,
    litellm_overhead_time_ms: 2.41,
    cost_breakdown: null,
    ...overrides,
  };
}

/**
 * One row of a SPEND_LOGS_URL body: the same call as aStandardLoggingPayload, as LiteLLM's
 * LiteLLM_SpendLogs row (startTime/endTime as isoformat() of a UTC datetime, `metadata` and
 * `request_tags` JSON strings, empty strings for absent ids).
 */
export function aSpendLogRow(overrides: Json = {}, metadata: Json = {}): Json {
  return {
    request_id: `chatcmpl-${randomUUID().replaceAll('-', '').slice(0, 29)}`,
    call_type: 'acompletion',
    api_key: litellmKeyHash('sk-litellm-test-key-0001'),
    spend: 0.00022500000000000002,
    total_tokens: 60,
    prompt_tokens: 50,
    completion_tokens: 10,
    startTime: '2025-01-24T09:20:46.847371+00:00',
    endTime: '2025-01-24T09:20:47.912394+00:00',
    completionStartTime: '2025-01-24T09:20:47.912394+00:00',
    model: 'gpt-4o-mini',
    model_id: '4f5c3a1e9b2d8c7f6e5d4c3b2a1f0e9d8c7b6a5f4e3d2c1b0a9f8e7d6c5b4a3f',
    model_group: 'gpt-4o-mini',
    mcp_namespaced_tool_name: null,
    agent_id: null,
    api_base: 'https://api.openai.com/v1',
    user: 'alice',
    team_id: 'team-research',
    organization_id: 'org-acme',
    metadata: JSON.stringify(aSpendLogsMetadata(metadata)),
    cache_hit: 'False',
    cache_key: 'Cache OFF',
    request_tags: '["prod"]',
    end_user: '',
    requester_ip_address: '10.0.0.4',
    custom_llm_provider: 'openai',
    messages: '{}',
    response: '{}',
    proxy_server_request: '{}',
    session_id: randomUUID(),
    status: 'success',
    ...overrides,
  };
}
