import type { Figures } from './api.ts';

export interface TotalCard {
  label: string;
  testid: string;
  kind: 'money' | 'count';
  value: string | number;
}

const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/**
 * The cards of a range's totals. Cache read and write tokens are shown only when the API returns
 * them: older ledgers (and entities without such events) have no such figures, not zero.
 */
export function totalCards(f: Figures): TotalCard[] {
  const cards: TotalCard[] = [
    { label: 'Spend', testid: 'total-spend', kind: 'money', value: f.spend },
    { label: 'Requests', testid: 'total-requests', kind: 'count', value: f.api_requests },
    { label: 'Tokens', testid: 'total-tokens', kind: 'count', value: f.prompt_tokens + f.completion_tokens },
    { label: 'Failures', testid: 'total-failures', kind: 'count', value: f.failed_requests },
  ];
  if (isCount(f.cache_read_input_tokens)) {
    cards.push({
      label: 'Cache read tokens',
      testid: 'total-cache-read',
      kind: 'count',
      value: f.cache_read_input_tokens,
    });
  }
  if (isCount(f.cache_creation_input_tokens)) {
    cards.push({
      label: 'Cache write tokens',
      testid: 'total-cache-creation',
      kind: 'count',
      value: f.cache_creation_input_tokens,
    });
  }
  return cards;
}

/** Activity metadata (`total_*` names) as figures, cache tokens carried over when present. */
export function figuresOfActivity(meta: Record<string, unknown>): Figures {
  const n = (k: string) => (isCount(meta[k]) ? meta[k] : 0);
  return {
    spend: typeof meta.total_spend === 'string' ? meta.total_spend : '0',
    prompt_tokens: n('total_prompt_tokens'),
    completion_tokens: n('total_completion_tokens'),
    api_requests: n('total_api_requests'),
    successful_requests: n('total_successful_requests'),
    failed_requests: n('total_failed_requests'),
    ...(isCount(meta.total_cache_read_input_tokens)
      ? { cache_read_input_tokens: meta.total_cache_read_input_tokens }
      : {}),
    ...(isCount(meta.total_cache_creation_input_tokens)
      ? { cache_creation_input_tokens: meta.total_cache_creation_input_tokens }
      : {}),
  };
}
