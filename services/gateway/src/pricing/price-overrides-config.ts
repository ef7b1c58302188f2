import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { decimalToScaled } from './decimal-units.ts';
import type { ModelPriceOverrides } from './spend-pricer.ts';

const price = z
  .union([z.number(), z.string()], { error: 'must be a decimal number (USD)' })
  .refine((v) => decimalToScaled(v, 18) !== null, { error: 'must be a non-negative decimal number (USD)' });

const ModelPricesSchema = z.strictObject({
  /** USD per million prompt tokens not read from or written to a cache. */
  input_mtok: price,
  /** USD per million completion tokens. */
  output_mtok: price,
  /** USD per million prompt tokens read from the provider's cache (default: the input price). */
  cache_read_mtok: price.optional(),
  /** USD per million prompt tokens written to the provider's cache (default: the input price). */
  cache_write_mtok: price.optional(),
  /** USD per thousand requests, on top of the tokens. */
  requests_kcount: price.optional(),
});

const OverridesSchema = z.record(z.string().min(1), ModelPricesSchema);

/**
 * MODEL_PRICE_OVERRIDES: operator prices by model name, as JSON or the path of a JSON file, e.g.
 * `{"my-finetune": {"input_mtok": "3", "output_mtok": "12"}}`. Looked up by `model`, then
 * `provider/model`, then `model_group`, before the price package.
 */
export const modelPriceOverrides = () =>
  z
    .string()
    .optional()
    .transform((value, ctx): unknown => {
      const source = value?.trim() ?? '';
      if (source === '') return {};
      let json = source;
      if (!source.startsWith('{')) {
        try {
          json = readFileSync(source, 'utf8');
        } catch (error) {
          ctx.addIssue({ code: 'custom', message: `cannot read ${source}: ${(error as Error).message}` });
          return z.NEVER;
        }
      }
      try {
        return JSON.parse(json);
      } catch (error) {
        ctx.addIssue({ code: 'custom', message: `not JSON: ${(error as Error).message}` });
        return z.NEVER;
      }
    })
    .pipe(OverridesSchema)
    .transform((overrides): ModelPriceOverrides => overrides);
