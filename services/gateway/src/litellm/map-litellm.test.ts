import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseSpendEventBatch, type SpendEvent } from '@spend-ledger/contract';
import {
  aSpendLogRow,
  aSpendLogsMetadata,
  aStandardLoggingMetadata,
  aStandardLoggingPayload,
  litellmKeyHash,
} from '@spend-ledger/testing';
import { fillMissingSpend } from '../pricing/fill-missing-spend.ts';
import { SPEND_SOURCE_PRICE_MAP, SpendPricer } from '../pricing/spend-pricer.ts';
import { parseLiteLLMTime } from './litellm-fields.ts';
import { type LiteLLMFormat, mapLiteLLMItem } from './map-litellm.ts';

type Json = Record<string, unknown>;

/** Maps, prices and validates one item as the gateway does; fails the test on any issue. */
function ingest(format: LiteLLMFormat, item: unknown): SpendEvent {
  const mapped = mapLiteLLMItem(format, item);
  assert.ok(mapped.ok, `mapping failed: ${JSON.stringify(!mapped.ok && mapped.issues)}`);
  const parsed = parseSpendEventBatch(fillMissingSpend([mapped.event], new SpendPricer()));
  assert.ok(parsed.ok, `contract refused: ${JSON.stringify(!parsed.ok && parsed.issues)}`);
  return parsed.events[0] as SpendEvent;
}
const slp = (overrides: Json = {}, metadata: Json = {}) =>
  ingest('standard_logging_payload', aStandardLoggingPayload(overrides, metadata));
const row = (overrides: Json = {}, metadata: Json = {}) =>
  ingest('spend_log', aSpendLogRow(overrides, metadata));
const issuesOf = (format: LiteLLMFormat, item: unknown) => {
  const mapped = mapLiteLLMItem(format, item);
  assert.equal(mapped.ok, false);
  return mapped.ok ? [] : mapped.issues.map((i) => i.field);
};

const KEY_HASH = litellmKeyHash('sk-litellm-test-key-0001');

describe('StandardLoggingPayload (generic_api callback)', () => {
  it('maps a successful chat completion field by field', () => {
    const payload = aStandardLoggingPayload();
    const event = ingest('standard_logging_payload', payload);
    assert.equal(event.request_id, payload.litellm_call_id);
    assert.equal(event.timestamp, '2025-01-24T09:20:46.847Z', 'epoch float seconds');
    assert.equal(event.end_time, '2025-01-24T09:20:47.912Z');
    assert.equal(event.api_key, KEY_HASH, 'the SHA-256 hex is kept as is');
    assert.deepEqual(
      [event.user_id, event.team_id, event.org_id, event.end_user_id],
      ['alice', 'team-research', 'org-acme', null],
    );
    assert.deepEqual(event.tags, ['prod', 'User-Agent: OpenAI/Python 1.66.3']);
    assert.deepEqual(
      [event.model, event.model_group, event.provider],
      ['gpt-4o-mini', 'gpt-4o-mini', 'openai'],
    );
    assert.deepEqual([event.prompt_tokens, event.completion_tokens], [50, 10]);
    assert.equal(event.spend, '0.000225000000', '0.00022500000000000002 rounded half-even');
    assert.equal(event.spend_source, 'sender');
    assert.equal(event.status, 'success');
  });

  it('keeps a small metadata subset and never the messages or the response', () => {
    const event = slp();
    const metadata = event.metadata as Json;
    assert.equal(metadata.source, 'litellm:generic_api');
    assert.equal(metadata.call_type, 'acompletion');
    assert.equal(metadata.key_alias, 'ci-pipeline');
    assert.deepEqual(metadata.spend_logs_metadata, { job: 'nightly-eval' });
    const json = JSON.stringify(metadata);
    assert.doesNotMatch(json, /Summarise the ledger|idempotent spend log|alice@example\.com|10\.0\.0\.4/);
    assert.ok(Buffer.byteLength(json) < 1024);
  });

  it('maps a failed call: status failure, cost 0, the error class kept', () => {
    const event = slp({
      status: 'failure',
      status_fields: { llm_api_status: 'failure', guardrail_status: 'not_run' },
      response_cost: 0.0,
      prompt_tokens: 0,
      completion_tokens: 0,
      total_tokens: 0,
      response: {},
      error_str: 'litellm.RateLimitError: OpenAIException - Rate limit reached for gpt-4o-mini',
      error_information: {
        error_code: '429',
        error_class: 'RateLimitError',
        llm_provider: 'openai',
        traceback: 'Traceback (most recent call last): ...',
        error_message: 'litellm.RateLimitError: OpenAIException - Rate limit reached for gpt-4o-mini',
      },
    });
    assert.equal(event.status, 'failure');
    assert.equal(event.spend, '0.000000000000');
    assert.deepEqual((event.metadata as Json).error, {
      class: 'RateLimitError',
      code: '429',
      provider: 'openai',
      message: 'litellm.RateLimitError: OpenAIException - Rate limit reached for gpt-4o-mini',
    });
    assert.doesNotMatch(JSON.stringify(event.metadata), /Traceback/);
  });

  it('maps a streaming call', () => {
    const event = slp({
      stream: true,
      completionStartTime: 1737710446.99,
      prompt_tokens: 12,
      completion_tokens: 240,
    });
    assert.equal((event.metadata as Json).stream, true);
    assert.deepEqual([event.prompt_tokens, event.completion_tokens], [12, 240]);
  });

  it('maps a cache hit: its own request id, cost 0, the saved cost in metadata', () => {
    const payload = aStandardLoggingPayload({
      id: 'chatcmpl-AuQ6xgmmx3TRXHuJXR2e6Kj0LnsN3_cache_hit1737710449.1234',
      cache_hit: true,
      cache_key: 'a1b2c3',
      response_cost: 0.0,
      saved_cache_cost: 0.00022500000000000002,
    });
    const event = ingest('standard_logging_payload', payload);
    assert.equal(event.request_id, payload.litellm_call_id);
    assert.equal(event.spend, '0.000000000000');
    assert.equal(event.spend_source, 'sender');
    assert.equal((event.metadata as Json).cache_hit, true);
    assert.equal(slp({ cache_hit: true, response_cost: null }).spend, '0.000000000000', 'never priced');
  });

  it('maps an embedding', () => {
    const usage = { prompt_tokens: 8, total_tokens: 8 };
    const event = slp(
      {
        call_type: 'aembedding',
        model: 'text-embedding-3-small',
        model_group: 'embeddings',
        prompt_tokens: 8,
        completion_tokens: 0,
        total_tokens: 8,
        response_cost: 1.6e-7,
        response: {
          object: 'list',
          data: [{ object: 'embedding', index: 0 }],
          model: 'text-embedding-3-small',
          usage,
        },
      },
      { usage_object: usage },
    );
    assert.deepEqual(
      [event.model, event.model_group, event.prompt_tokens, event.completion_tokens],
      ['text-embedding-3-small', 'embeddings', 8, 0],
    );
    assert.equal(event.spend, '0.000000160000');
    assert.equal((event.metadata as Json).call_type, 'aembedding');
  });

  it('maps a request without virtual key, user or team: api_key "" and no entities', () => {
    const event = slp(
      { end_user: null },
      {
        user_api_key_hash: null,
        user_api_key_alias: null,
        user_api_key_user_id: null,
        user_api_key_team_id: null,
        user_api_key_org_id: null,
        user_api_key_team_alias: null,
      },
    );
    assert.equal(event.api_key, '');
    assert.deepEqual(
      [event.user_id, event.team_id, event.org_id, event.end_user_id],
      [null, null, null, null],
    );
  });

  it('takes the end user from end_user, else from metadata', () => {
    assert.equal(slp({ end_user: 'customer-42' }).end_user_id, 'customer-42');
    assert.equal(slp({ end_user: '' }, { user_api_key_end_user_id: 'customer-7' }).end_user_id, 'customer-7');
  });

  it('reads cache tokens wherever LiteLLM puts them', () => {
    const anthropic = {
      prompt_tokens: 2100,
      completion_tokens: 50,
      total_tokens: 2150,
      cache_creation_input_tokens: 1000,
      cache_read_input_tokens: 900,
      prompt_tokens_details: { cached_tokens: 900, cache_creation_tokens: 1000 },
    };
    const claude = slp(
      { model: 'claude-3-5-sonnet-20240620', custom_llm_provider: 'anthropic' },
      { usage_object: anthropic },
    );
    assert.deepEqual([claude.cache_read_input_tokens, claude.cache_creation_input_tokens], [900, 1000]);

    const openai = {
      prompt_tokens: 2048,
      completion_tokens: 5,
      prompt_tokens_details: { cached_tokens: 1024 },
    };
    const gpt = slp({}, { usage_object: openai });
    assert.deepEqual([gpt.cache_read_input_tokens, gpt.cache_creation_input_tokens], [1024, 0]);

    const hiddenOnly = aStandardLoggingPayload({}, { usage_object: null });
    (hiddenOnly.hidden_params as Json).usage_object = openai;
    assert.equal(ingest('standard_logging_payload', hiddenOnly).cache_read_input_tokens, 1024);
  });

  it('ignores unknown fields', () => {
    const event = slp({ some_future_field: { deep: [1, 2, 3] }, another: 'x' }, { brand_new: true });
    assert.equal('some_future_field' in event, false);
    assert.equal(JSON.stringify(event).includes('brand_new'), false);
  });

  it('prices a call that arrives without a cost, or that LiteLLM could not price', () => {
    const unpriced = slp({ response_cost: null, prompt_tokens: 1000, completion_tokens: 100 });
    assert.equal(unpriced.spend, '0.000210000000', '1000 × 0.15 + 100 × 0.60 per million');
    assert.equal(unpriced.spend_source, SPEND_SOURCE_PRICE_MAP);
    const absent = aStandardLoggingPayload({ prompt_tokens: 1000, completion_tokens: 100 });
    delete absent.response_cost;
    assert.equal(ingest('standard_logging_payload', absent).spend, '0.000210000000');
    const failedToPrice = slp({
      response_cost: 0.0,
      prompt_tokens: 1000,
      completion_tokens: 100,
      response_cost_failure_debug_info: {
        error_str: 'model not mapped',
        traceback_str: '...',
        model: 'gpt-4o-mini',
      },
    });
    assert.equal(failedToPrice.spend_source, SPEND_SOURCE_PRICE_MAP);
    assert.equal(
      slp({ response_cost: null, model: 'in-house-llm-v3', custom_llm_provider: 'hosted_vllm' }).spend_source,
      'unpriced',
    );
  });

  it('cuts long User-Agent tags and keeps at most 64 tags, rather than refusing', () => {
    const ua = `User-Agent: Mozilla/5.0 (Windows NT 10.0; Win64; x64) ${'AppleWebKit/537.36 '.repeat(10)}`;
    const event = slp({ request_tags: [ua, ...Array.from({ length: 80 }, (_, i) => `t${i}`)] });
    assert.equal(event.tags.length, 64);
    assert.equal(event.tags[0], ua.slice(0, 128));
  });

  it('makes odd metadata storable instead of refusing the request', () => {
    const event = slp({}, { spend_logs_metadata: { note: 'a\u0000b\ud800c', big: 'x'.repeat(2000) } });
    assert.deepEqual(Object.keys((event.metadata as Json).spend_logs_metadata as Json), ['note', 'big']);
    const huge = slp(
      {},
      {
        spend_logs_metadata: Object.fromEntries(
          Array.from({ length: 40 }, (_, i) => [`k${i}`, 'v'.repeat(400)]),
        ),
      },
    );
    assert.match(JSON.stringify((huge.metadata as Json).spend_logs_metadata), /dropped/);
  });

  it('names the index-free field of what it cannot do without', () => {
    const noId = aStandardLoggingPayload();
    delete noId.id;
    delete noId.litellm_call_id;
    assert.deepEqual(issuesOf('standard_logging_payload', noId), ['litellm_call_id']);
    assert.deepEqual(
      issuesOf('standard_logging_payload', aStandardLoggingPayload({ startTime: 'yesterday' })),
      ['startTime'],
    );
    assert.deepEqual(
      issuesOf('standard_logging_payload', aStandardLoggingPayload({ model: '', model_group: null })),
      ['model'],
    );
    assert.deepEqual(issuesOf('standard_logging_payload', aStandardLoggingPayload({ response_cost: -0.5 })), [
      'response_cost',
    ]);
    assert.deepEqual(issuesOf('standard_logging_payload', 'not an object'), ['(item)']);
    const fallback = aStandardLoggingPayload();
    delete fallback.litellm_call_id;
    assert.equal(
      ingest('standard_logging_payload', fallback).request_id,
      fallback.id,
      'id when no litellm_call_id',
    );
  });
});

describe('SpendLogsPayload rows (SPEND_LOGS_URL)', () => {
  it('maps a row with metadata and request_tags as JSON text', () => {
    const input = aSpendLogRow();
    const event = ingest('spend_log', input);
    assert.equal(event.request_id, input.request_id);
    assert.equal(event.timestamp, '2025-01-24T09:20:46.847Z');
    assert.equal(event.api_key, KEY_HASH);
    assert.deepEqual(
      [event.user_id, event.team_id, event.org_id, event.end_user_id],
      ['alice', 'team-research', 'org-acme', null],
    );
    assert.deepEqual(event.tags, ['prod']);
    assert.equal(event.spend, '0.000225000000');
    assert.equal((event.metadata as Json).source, 'litellm:spend_logs_url');
  });

  it('reads status, cache hit, org and cache tokens from the metadata text when the row lacks them', () => {
    const input = aSpendLogRow(
      {
        status: undefined,
        organization_id: undefined,
        cache_hit: 'True',
        spend: 0.0,
        end_user: 'customer-9',
      },
      {
        status: 'failure',
        error_information: { error_class: 'APIConnectionError', error_code: '500' },
        usage_object: { prompt_tokens: 2100, cache_read_input_tokens: 2000, cache_creation_input_tokens: 0 },
      },
    );
    delete input.status;
    delete input.organization_id;
    const event = ingest('spend_log', input);
    assert.equal(event.status, 'failure');
    assert.equal(event.org_id, 'org-acme');
    assert.equal(event.end_user_id, 'customer-9');
    assert.equal(event.cache_read_input_tokens, 2000);
    assert.equal((event.metadata as Json).cache_hit, true);
    assert.equal(((event.metadata as Json).error as Json).class, 'APIConnectionError');
  });

  it('falls back to the older additional_usage_values for cache tokens, and tolerates broken JSON text', () => {
    const older = row(
      {},
      { usage_object: null, additional_usage_values: { prompt_tokens_details: { cached_tokens: 64 } } },
    );
    assert.equal(older.cache_read_input_tokens, 64);
    const broken = row({ metadata: '{not json', request_tags: 'prod' });
    assert.deepEqual([broken.tags, broken.user_id], [[], 'alice']);
  });

  it('accepts the no-virtual-key row and null team and user', () => {
    const event = row(
      { api_key: '', user: '', team_id: null, organization_id: '' },
      {
        user_api_key: null,
        user_api_key_user_id: null,
        user_api_key_team_id: null,
        user_api_key_org_id: null,
      },
    );
    assert.deepEqual([event.api_key, event.user_id, event.team_id, event.org_id], ['', null, null, null]);
  });

  it('names request_id when a row has none', () => {
    assert.deepEqual(issuesOf('spend_log', aSpendLogRow({ request_id: '' })), ['request_id']);
    assert.ok(aSpendLogsMetadata().usage_object);
    assert.ok(aStandardLoggingMetadata().usage_object);
  });
});

describe('parseLiteLLMTime', () => {
  it('reads every form LiteLLM writes, zone-less as UTC', () => {
    const cases: Array<[unknown, string | null]> = [
      [1737710446.847371, '2025-01-24T09:20:46.847Z'],
      ['1737710446.847371', '2025-01-24T09:20:46.847Z'],
      ['2025-01-24 09:20:46.847371', '2025-01-24T09:20:46.847Z'],
      ['2025-01-24T09:20:46', '2025-01-24T09:20:46.000Z'],
      ['2025-01-24T09:20:46.847371+00:00', '2025-01-24T09:20:46.847Z'],
      ['2025-01-24T11:20:46.5+02:00', '2025-01-24T09:20:46.500Z'],
      ['2025-01-24T04:20:46Z', '2025-01-24T04:20:46.000Z'],
      ['2025-01-24 01:20:46.847371-0800', '2025-01-24T09:20:46.847Z'],
      ['2025-02-30 09:20:46', null],
      ['2025-01-24 24:00:00', null],
      ['yesterday', null],
      [null, null],
      [Number.NaN, null],
    ];
    for (const [input, expected] of cases) assert.equal(parseLiteLLMTime(input), expected, String(input));
  });
});
