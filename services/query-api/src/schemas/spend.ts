import { z } from '@hono/zod-openapi';
import { ENTITY_TYPES } from '@spend-ledger/contract';
import { ApiKeyQuerySchema } from '../api-key-param.ts';
import {
  BooleanQuerySchema,
  DateRangeQuerySchema,
  FormatSchema,
  Spend,
  SpendFiguresSchema,
} from './common.ts';
import { textParam } from './params.ts';

export const EntitySpendSchema = z
  .object({
    entity_type: z.enum(ENTITY_TYPES),
    entity_id: z.string(),
    ...SpendFiguresSchema.shape,
  })
  .openapi('EntitySpend');

export const DailySpendSchema = z
  .object({
    entity_type: z.enum(ENTITY_TYPES),
    entity_id: z.string(),
    from: z.string(),
    to: z.string(),
    timezone: z.string(),
    days: z.array(z.object({ date: z.string(), ...SpendFiguresSchema.shape })),
    totals: SpendFiguresSchema,
  })
  .openapi('DailySpend');

const narrowing = {
  api_key: ApiKeyQuerySchema,
  model: textParam(256).optional().openapi({ description: 'Only this model' }),
  provider: textParam(256, 0)
    .optional()
    .openapi({ description: 'Only this provider ("" for events without one)' }),
};

export const ActivityQuerySchema = DateRangeQuerySchema.extend({
  breakdown: BooleanQuerySchema.openapi({
    description: 'Add per-day metrics by model, provider and api key',
  }),
  page: z.coerce.number().int().min(1).default(1).openapi({ type: 'integer', default: 1 }),
  page_size: z.coerce
    .number()
    .int()
    .min(1)
    .max(366)
    .default(31)
    .openapi({ type: 'integer', default: 31, description: 'Days per page' }),
  ...narrowing,
  format: FormatSchema,
});

/** LiteLLM's SpendMetrics: the figures plus total_tokens. */
/**
 * The metrics of one day or one breakdown value, LiteLLM's SpendMetrics, with spend as `spend`
 * says: an exact decimal string on /v1, a JSON number on the LiteLLM-compatible routes.
 */
export const spendMetricsSchema = <S extends z.ZodType>(spend: S, name: string) =>
  z
    .object({
      spend,
      prompt_tokens: z.number().int(),
      completion_tokens: z.number().int(),
      cache_read_input_tokens: z.number().int(),
      cache_creation_input_tokens: z.number().int(),
      total_tokens: z.number().int(),
      api_requests: z.number().int(),
      successful_requests: z.number().int(),
      failed_requests: z.number().int(),
    })
    .openapi(name);

/** A breakdown value's metrics beside LiteLLM's free-form metadata. */
export const metricWithMetadataSchema = (metrics: z.ZodType, name: string) =>
  z.object({ metrics, metadata: z.record(z.string(), z.unknown()) }).openapi(name);

export const ActivityMetricsSchema = spendMetricsSchema(Spend, 'ActivityMetrics');
const MetricWithMetadataSchema = metricWithMetadataSchema(ActivityMetricsSchema, 'MetricWithMetadata');

export const ActivitySchema = z
  .object({
    entity_type: z.enum(ENTITY_TYPES),
    entity_id: z.string(),
    from: z.string(),
    to: z.string(),
    timezone: z.string(),
    results: z.array(
      z.object({
        date: z.string().openapi({ description: 'Local date YYYY-MM-DD in `timezone`' }),
        metrics: ActivityMetricsSchema,
        breakdown: z
          .object({
            models: z.record(z.string(), MetricWithMetadataSchema),
            providers: z.record(z.string(), MetricWithMetadataSchema),
            api_keys: z.record(z.string(), MetricWithMetadataSchema),
          })
          .optional()
          .openapi({ description: 'With breakdown=true' }),
      }),
    ),
    metadata: z.object({
      total_spend: Spend,
      total_prompt_tokens: z.number().int(),
      total_completion_tokens: z.number().int(),
      total_tokens: z.number().int(),
      total_api_requests: z.number().int(),
      total_successful_requests: z.number().int(),
      total_failed_requests: z.number().int(),
      total_cache_read_input_tokens: z.number().int(),
      total_cache_creation_input_tokens: z.number().int(),
      page: z.number().int(),
      page_size: z.number().int(),
      total_pages: z.number().int(),
      total_days: z.number().int().openapi({ description: 'Days with at least one request in the range' }),
      has_more: z.boolean(),
    }),
  })
  .openapi('DailyActivity');
