import { formatSpend } from '@spend-ledger/contract';
import { costOf, type ModelPrices, type TokenUsage } from './model-prices.ts';
import { findModelPrices, PRICE_MAP_VERSION } from './price-map.ts';

/** Operator prices by model name (MODEL_PRICE_OVERRIDES), consulted before the price package. */
export type ModelPriceOverrides = Readonly<Record<string, ModelPrices>>;

export const SPEND_SOURCE_PRICE_MAP = `price-map@${PRICE_MAP_VERSION}`;
export const SPEND_SOURCE_OVERRIDE = 'price-override';
/** A model nobody has a price for: counted with cost 0, never refused. */
export const SPEND_SOURCE_UNPRICED = 'unpriced';

export type PricingOutcome = 'price-map' | 'price-override' | 'unpriced';

export interface PriceRequest {
  model: string;
  modelGroup: string | null;
  provider: string | null;
  /** ISO timestamp of the request, or null (then: now). */
  timestamp: string | null;
  usage: TokenUsage;
}

export interface PricedSpend {
  spend: string;
  spend_source: string;
  outcome: PricingOutcome;
}

/** Prices events that arrive with tokens but no cost. */
export class SpendPricer {
  constructor(private readonly overrides: ModelPriceOverrides = {}) {}

  price(request: PriceRequest): PricedSpend {
    const override = this.findOverride(request);
    if (override) {
      return {
        spend: formatSpend(costOf(override, request.usage)),
        spend_source: SPEND_SOURCE_OVERRIDE,
        outcome: 'price-override',
      };
    }
    const at = request.timestamp ? new Date(request.timestamp) : new Date();
    const prices = findModelPrices({
      model: request.model,
      provider: request.provider,
      at: Number.isNaN(at.getTime()) ? new Date() : at,
      usage: request.usage,
    });
    if (prices) {
      return {
        spend: formatSpend(costOf(prices, request.usage)),
        spend_source: SPEND_SOURCE_PRICE_MAP,
        outcome: 'price-map',
      };
    }
    return { spend: formatSpend(0n), spend_source: SPEND_SOURCE_UNPRICED, outcome: 'unpriced' };
  }

  private findOverride({ model, provider, modelGroup }: PriceRequest): ModelPrices | undefined {
    return (
      this.overrides[model] ??
      (provider ? this.overrides[`${provider}/${model}`] : undefined) ??
      (modelGroup ? this.overrides[modelGroup] : undefined)
    );
  }
}
