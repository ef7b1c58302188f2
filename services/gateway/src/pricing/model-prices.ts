import { divideHalfEven } from '@spend-ledger/contract';
import { decimalToScaled } from './decimal-units.ts';

/** Token counts of one request, as the contract carries them. */
export interface TokenUsage {
  prompt_tokens: number;
  completion_tokens: number;
  cache_read_input_tokens: number;
  cache_creation_input_tokens: number;
}

/** A price as the price package writes it: a number, or tiers chosen by the request's input tokens. */
export type PriceValue = number | string | { base: number; tiers: Array<{ start: number; price: number }> };

/**
 * USD per million tokens (`*_mtok`) and per thousand requests (`requests_kcount`): the price package's
 * own keys, which operator overrides use too. Keys the ledger has no usage for are ignored.
 */
export type ModelPrices = Partial<
  Record<
    'input_mtok' | 'output_mtok' | 'cache_read_mtok' | 'cache_write_mtok' | 'requests_kcount',
    PriceValue
  >
>;

// Prices are held in 10^-18 USD per unit of their key, so a request's cost sums exactly in
// 10^-24 USD (tokens × 10^-18 USD per 10^6 tokens) and is rounded once, half-even, to 10^-12 USD.
const PRICE_SCALE = 18;
const TO_LEDGER_UNITS = 10n ** 12n;

function priceAt(value: PriceValue | undefined, inputTokens: number): bigint {
  if (value === undefined) return 0n;
  if (typeof value === 'number' || typeof value === 'string')
    return decimalToScaled(value, PRICE_SCALE) ?? 0n;
  // The price package's rule: the highest tier whose start the input tokens exceed, else the base.
  let price = value.base;
  for (const tier of [...value.tiers].sort((a, b) => a.start - b.start)) {
    if (inputTokens > tier.start) price = tier.price;
  }
  return decimalToScaled(price, PRICE_SCALE) ?? 0n;
}

/**
 * The exact cost of one request in 10^-12 USD. Cache reads and writes are parts of the prompt tokens
 * (LiteLLM counts them in prompt_tokens, as the price package expects); each is billed at its own
 * rate when the model has one, else at the input rate.
 */
export function costOf(prices: ModelPrices, usage: TokenUsage): bigint {
  const cacheRead = prices.cache_read_mtok === undefined ? 0 : usage.cache_read_input_tokens;
  const cacheWrite = prices.cache_write_mtok === undefined ? 0 : usage.cache_creation_input_tokens;
  const input = Math.max(usage.prompt_tokens, cacheRead + cacheWrite);
  const at = (key: keyof ModelPrices) => priceAt(prices[key], input);
  const perMillion =
    BigInt(input - cacheRead - cacheWrite) * at('input_mtok') +
    BigInt(cacheRead) * at('cache_read_mtok') +
    BigInt(cacheWrite) * at('cache_write_mtok') +
    BigInt(usage.completion_tokens) * at('output_mtok') +
    // One request at a price per thousand requests costs price/1000 USD: price × 10^21 in 10^-24 USD.
    1000n * at('requests_kcount');
  return divideHalfEven(perMillion, TO_LEDGER_UNITS);
}
