import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { calcPrice } from '@pydantic/genai-prices';
import type { ModelPrices, TokenUsage } from './model-prices.ts';

/** The installed price package's version: part of `spend_source`, so a priced row says which table. */
export const PRICE_MAP_VERSION = readPackageVersion();

function readPackageVersion(): string {
  // The package's exports do not include package.json; find it beside its entry point.
  const entry = createRequire(import.meta.url).resolve('@pydantic/genai-prices');
  const pkg = JSON.parse(readFileSync(join(dirname(entry), '..', 'package.json'), 'utf8')) as {
    version: string;
  };
  return pkg.version;
}

export interface ModelLookup {
  model: string;
  provider: string | null;
  /** When the request was made: some prices change on a date. */
  at: Date;
  usage: TokenUsage;
}

/**
 * The prices the maintained price package (@pydantic/genai-prices, its bundled data: no network)
 * has for a model, or null. Tried with LiteLLM's provider name, then by the model name alone, then
 * as LiteLLM's `provider/model` form. Only the prices are used: the package computes in binary
 * floats, the ledger recomputes the cost exactly from them (costOf).
 */
export function findModelPrices(lookup: ModelLookup): ModelPrices | null {
  const { usage } = lookup;
  const packageUsage = {
    input_tokens: Math.max(
      usage.prompt_tokens,
      usage.cache_read_input_tokens + usage.cache_creation_input_tokens,
    ),
    output_tokens: usage.completion_tokens,
    cache_read_tokens: usage.cache_read_input_tokens,
    cache_write_tokens: usage.cache_creation_input_tokens,
  };
  const attempts: Array<[string, { providerId?: string }]> = [
    ...(lookup.provider
      ? [[lookup.model, { providerId: lookup.provider }] as [string, { providerId?: string }]]
      : []),
    [lookup.model, {}],
    [
      lookup.provider && !lookup.model.includes('/') ? `${lookup.provider}/${lookup.model}` : lookup.model,
      { providerId: 'litellm' },
    ],
  ];
  for (const [model, options] of attempts) {
    try {
      const result = calcPrice(packageUsage, model, { ...options, timestamp: lookup.at });
      if (result) return result.model_price as ModelPrices;
    } catch {
      // A usage the package finds inconsistent, or a bad price entry: try the next form, else unpriced.
    }
  }
  return null;
}
