import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { calcPrice } from '@pydantic/genai-prices';
import { spendToUnits } from '@spend-ledger/contract';
import { fillMissingSpend } from './fill-missing-spend.ts';
import { costOf } from './model-prices.ts';
import { SPEND_SOURCE_PRICE_MAP, SpendPricer } from './spend-pricer.ts';

const usage = (prompt: number, completion: number, cacheRead = 0, cacheWrite = 0) => ({
  prompt_tokens: prompt,
  completion_tokens: completion,
  cache_read_input_tokens: cacheRead,
  cache_creation_input_tokens: cacheWrite,
});
const request = (model: string, provider: string | null, u = usage(1200, 300)) => ({
  model,
  modelGroup: null,
  provider,
  timestamp: '2026-11-28T12:00:00.000Z',
  usage: u,
});

describe('costOf', () => {
  it('computes exactly where binary floats drift', () => {
    // 1,000,000 × 0.15 + 1 × 0.6 per million: 0.150000600000 exactly.
    assert.equal(costOf({ input_mtok: 0.15, output_mtok: 0.6 }, usage(1_000_000, 1)), 150_000_600_000n);
    assert.equal(
      costOf({ input_mtok: '0.0000005', output_mtok: 0 }, usage(1, 0)),
      0n,
      'half-even below 10^-12',
    );
    assert.equal(costOf({ input_mtok: '0.0000015', output_mtok: 0 }, usage(1, 0)), 2n);
  });

  it('bills cache reads and writes at their rates, else at the input rate', () => {
    const prices = { input_mtok: 3, output_mtok: 15, cache_read_mtok: 0.3, cache_write_mtok: 3.75 };
    // 600 uncached × 3 + 300 read × 0.3 + 100 written × 3.75 + 50 out × 15, per million.
    assert.equal(costOf(prices, usage(1000, 50, 300, 100)), spendToUnits('0.003015'));
    assert.equal(
      costOf({ input_mtok: 3, output_mtok: 15 }, usage(1000, 50, 300, 100)),
      spendToUnits('0.00375'),
    );
  });

  it('applies tiered prices by the request’s input tokens and per-request prices', () => {
    const tiered = { input_mtok: { base: 1.25, tiers: [{ start: 128_000, price: 2.5 }] }, output_mtok: 5 };
    assert.equal(costOf(tiered, usage(100_000, 0)), spendToUnits('0.125'));
    assert.equal(costOf(tiered, usage(200_000, 0)), spendToUnits('0.5'));
    assert.equal(
      costOf({ input_mtok: 0, output_mtok: 0, requests_kcount: 5 }, usage(0, 0)),
      spendToUnits('0.005'),
    );
  });
});

describe('SpendPricer', () => {
  const pricer = new SpendPricer({ 'my-finetune': { input_mtok: '2', output_mtok: '8' } });

  it('prices known models from the price package, agreeing with its own float result', () => {
    for (const [model, provider] of [
      ['gpt-4o', 'openai'],
      ['gpt-4o-mini', 'openai'],
      ['claude-3-5-sonnet-20240620', 'anthropic'],
      ['openai/gpt-4o', null],
    ] as const) {
      const priced = pricer.price(request(model, provider, usage(1200, 300, 200)));
      assert.equal(priced.spend_source, SPEND_SOURCE_PRICE_MAP, model);
      assert.match(SPEND_SOURCE_PRICE_MAP, /^price-map@\d+\.\d+\.\d+/);
      const reference = calcPrice(
        { input_tokens: 1200, output_tokens: 300, cache_read_tokens: 200 },
        model,
        provider ? { providerId: provider } : { providerId: 'litellm' },
      );
      assert.ok(reference, model);
      assert.ok(Math.abs(Number(priced.spend) - reference.total_price) < 1e-12, `${model}: ${priced.spend}`);
    }
    assert.equal(pricer.price(request('gpt-4o', 'openai')).spend, '0.006000000000');
  });

  it('prefers an operator override, by model, provider/model or model group', () => {
    assert.deepEqual(pricer.price(request('my-finetune', 'openai', usage(1000, 1000))), {
      spend: '0.010000000000',
      spend_source: 'price-override',
      outcome: 'price-override',
    });
    const byGroup = pricer.price({ ...request('ft:abc', null, usage(1000, 0)), modelGroup: 'my-finetune' });
    assert.equal(byGroup.spend, '0.002000000000');
  });

  it('prices by the provider LiteLLM names, and not a self-hosted model from a public list', () => {
    assert.equal(pricer.price(request('gpt-4o', 'azure')).spend_source, SPEND_SOURCE_PRICE_MAP);
    assert.equal(pricer.price(request('gemini-1.5-pro', 'vertex_ai')).spend_source, SPEND_SOURCE_PRICE_MAP);
    assert.equal(
      pricer.price(request('anthropic/claude-3-5-sonnet-20240620', 'anthropic')).spend,
      '0.008100000000',
    );
    assert.equal(pricer.price(request('gpt-4o', 'hosted_vllm')).spend_source, 'unpriced');
    assert.equal(pricer.price(request('claude-3-5-sonnet-20240620', 'openai')).spend_source, 'unpriced');
  });

  it('counts an unknown model at 0, flagged unpriced', () => {
    assert.deepEqual(pricer.price(request('no-such-model-xyz', 'nowhere')), {
      spend: '0.000000000000',
      spend_source: 'unpriced',
      outcome: 'unpriced',
    });
  });
});

describe('fillMissingSpend', () => {
  it('prices only events whose spend is null or absent, and reports each outcome', () => {
    const seen: string[] = [];
    const items = [
      { model: 'gpt-4o', provider: 'openai', prompt_tokens: 1000, completion_tokens: 100, spend: null },
      { model: 'gpt-4o', prompt_tokens: 1000, spend: '0.5' },
      { model: 'mystery', prompt_tokens: 5 },
      { prompt_tokens: 5 },
      42,
    ];
    const out = fillMissingSpend(items, new SpendPricer(), (outcome) => seen.push(outcome)) as Array<
      Record<string, unknown>
    >;
    assert.equal(out[0]?.spend, '0.003500000000');
    assert.equal(out[0]?.spend_source, SPEND_SOURCE_PRICE_MAP);
    assert.equal(out[1], items[1], 'an event with a cost is untouched');
    assert.deepEqual([out[2]?.spend, out[2]?.spend_source], ['0.000000000000', 'unpriced']);
    assert.equal(out[3], items[3], 'no model: left for the contract to refuse');
    assert.equal(out[4], 42);
    assert.deepEqual(seen, ['price-map', 'unpriced']);
  });
});
