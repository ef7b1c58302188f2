import type { PricingOutcome, SpendPricer } from './spend-pricer.ts';

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const count = (v: unknown) => (typeof v === 'number' && Number.isSafeInteger(v) && v > 0 ? v : 0);
const text = (v: unknown) => (typeof v === 'string' && v !== '' ? v : null);

/**
 * Gives every event whose `spend` is null or absent a cost from its tokens (SpendPricer) and says
 * where it came from in `spend_source`. Anything else is left as it is, for the contract to judge:
 * an item that is not an object, or has no model, stays without spend and is refused there.
 * `onPriced` sees each outcome (metrics).
 */
export function fillMissingSpend(
  items: readonly unknown[],
  pricer: SpendPricer,
  onPriced: (outcome: PricingOutcome, model: string) => void = () => {},
): unknown[] {
  return items.map((item) => {
    if (!isRecord(item) || (item.spend !== undefined && item.spend !== null)) return item;
    const model = text(item.model);
    if (!model) return item;
    const priced = pricer.price({
      model,
      modelGroup: text(item.model_group),
      provider: text(item.provider),
      timestamp: text(item.timestamp),
      usage: {
        prompt_tokens: count(item.prompt_tokens),
        completion_tokens: count(item.completion_tokens),
        cache_read_input_tokens: count(item.cache_read_input_tokens),
        cache_creation_input_tokens: count(item.cache_creation_input_tokens),
      },
    });
    onPriced(priced.outcome, model);
    return { ...item, spend: priced.spend, spend_source: priced.spend_source };
  });
}
