import { z } from '@hono/zod-openapi';
import { dateParam, textParam } from './params.ts';
import { metricWithMetadataSchema, spendMetricsSchema } from './spend.ts';

const day = (description: string) =>
  dateParam().openapi({ format: 'date', example: '2026-11-01', description });

/** A comma-separated list of ids, as LiteLLM takes `team_ids=a,b`. */
export const idList = (description: string) =>
  z
    .string()
    .min(1)
    .max(8_192)
    .transform((v) => [...new Set(v.split(',').filter((id) => id !== ''))])
    .pipe(z.array(textParam(256)).min(1, { error: 'must name at least one id' }).max(100))
    .optional()
    .openapi({ type: 'string', description });

/** LiteLLM's query parameters shared by every /…/daily/activity endpoint. */
export const LiteLlmActivityQuerySchema = z.object({
  start_date: day('First UTC day, inclusive (required)'),
  end_date: day('Last UTC day, inclusive (required)'),
  model: textParam(256).optional().openapi({ description: 'Only this model' }),
  api_key: textParam(256)
    .optional()
    .openapi({ description: 'Only this api key (its hash, as LiteLLM stores it; a raw sk- key is hashed)' }),
  page: z.coerce.number().int().min(1).default(1).openapi({ type: 'integer', default: 1 }),
  page_size: z.coerce
    .number()
    .int()
    .min(1)
    .max(1000)
    .default(50)
    .openapi({ type: 'integer', default: 50, description: 'Days per page' }),
});

/** LiteLLM's SpendMetrics (spend a JSON number, as LiteLLM returns it). */
export const LiteLlmSpendMetricsSchema = spendMetricsSchema(z.number(), 'LiteLLMSpendMetrics');

const MetricWithMetadata = metricWithMetadataSchema(LiteLlmSpendMetricsSchema, 'LiteLLMMetricWithMetadata');
const byValue = z.record(z.string(), MetricWithMetadata);

/** LiteLLM's SpendAnalyticsPaginatedResponse. */
export const LiteLlmActivitySchema = z
  .object({
    results: z.array(
      z.object({
        date: z.string().openapi({ description: 'UTC date YYYY-MM-DD' }),
        metrics: LiteLlmSpendMetricsSchema,
        breakdown: z.object({
          models: byValue,
          model_groups: byValue.openapi({
            description: 'Always empty: the ledger does not aggregate model groups',
          }),
          mcp_servers: byValue.openapi({ description: 'Always empty' }),
          providers: byValue,
          endpoints: byValue.openapi({ description: 'Always empty' }),
          api_keys: byValue,
          entities: byValue.openapi({
            description: 'Per team, tag, org or end user (empty on /user/daily/activity)',
          }),
        }),
      }),
    ),
    metadata: z.object({
      total_spend: z.number(),
      total_prompt_tokens: z.number().int(),
      total_completion_tokens: z.number().int(),
      total_tokens: z.number().int(),
      total_api_requests: z.number().int(),
      total_successful_requests: z.number().int(),
      total_failed_requests: z.number().int(),
      total_cache_read_input_tokens: z.number().int(),
      total_cache_creation_input_tokens: z.number().int(),
      page: z.number().int(),
      total_pages: z.number().int(),
      has_more: z.boolean(),
    }),
  })
  .openapi('LiteLLMSpendAnalyticsPaginatedResponse');
