import type { SpendFigures } from '@spend-ledger/ledger-db';

/** LiteLLM's SpendMetrics: the figures in its field names, with total_tokens. */
export const activityMetrics = (f: SpendFigures) => ({
  spend: f.spend,
  prompt_tokens: f.prompt_tokens,
  completion_tokens: f.completion_tokens,
  cache_read_input_tokens: f.cache_read_input_tokens,
  cache_creation_input_tokens: f.cache_creation_input_tokens,
  total_tokens: f.prompt_tokens + f.completion_tokens,
  api_requests: f.api_requests,
  successful_requests: f.successful_requests,
  failed_requests: f.failed_requests,
});

/**
 * A breakdown as LiteLLM's `{value: {metrics, metadata}}`. Built with Object.fromEntries, which
 * defines own properties: a value named `__proto__` stays a key instead of replacing the prototype.
 */
export const breakdownOf = <M>(
  byValue: Map<string, SpendFigures> | undefined,
  metricsOf: (f: SpendFigures) => M,
) =>
  Object.fromEntries(
    [...(byValue ?? new Map<string, SpendFigures>())].map(([k, f]) => [
      k,
      { metrics: metricsOf(f), metadata: {} },
    ]),
  );

/** LiteLLM's DailySpendMetadata totals, over the whole range. */
export const totalsMetadata = <S>(t: SpendFigures, spendOf: (spend: string) => S) => ({
  total_spend: spendOf(t.spend),
  total_prompt_tokens: t.prompt_tokens,
  total_completion_tokens: t.completion_tokens,
  total_tokens: t.prompt_tokens + t.completion_tokens,
  total_api_requests: t.api_requests,
  total_successful_requests: t.successful_requests,
  total_failed_requests: t.failed_requests,
  total_cache_read_input_tokens: t.cache_read_input_tokens,
  total_cache_creation_input_tokens: t.cache_creation_input_tokens,
});
