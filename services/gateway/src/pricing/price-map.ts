import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { calcPrice, findProvider } from '@pydantic/genai-prices';
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
 * has for a model, or null. With a provider (LiteLLM's custom_llm_provider: openai, azure, bedrock,
 * vertex_ai, ...) only that provider's prices count, and a provider the package does not know
 * (hosted_vllm, ollama, ...: usually self-hosted) is not priced from someone else's list. Without
 * one, the model name alone decides, bare or in LiteLLM's `provider/model` form. Only the prices are
 * used: the package computes in binary floats, the ledger recomputes the cost exactly (costOf).
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
  let attempts: Array<[string, { providerId?: string }]>;
  if (lookup.provider) {
    const provider = findProvider({ providerId: lookup.provider });
    if (!provider) return null;
    const prefix = `${lookup.provider}/`;
    attempts = [[lookup.model, { providerId: provider.id }]];
    if (lookup.model.startsWith(prefix))
      attempts.push([lookup.model.slice(prefix.length), { providerId: provider.id }]);
  } else {
    attempts = [
      [lookup.model, {}],
      [lookup.model, { providerId: 'litellm' }],
    ];
  }
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
