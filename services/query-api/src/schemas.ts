import { z } from '@hono/zod-openapi';
import { ENTITY_TYPES } from '@spend-ledger/contract';

export const EntityParamsSchema = z.object({
  entity_type: z.enum(ENTITY_TYPES).openapi({ param: { name: 'entity_type', in: 'path' }, example: 'team' }),
  entity_id: z
    .string()
    .min(1)
    .max(256)
    .openapi({ param: { name: 'entity_id', in: 'path' }, example: 'team-platform' }),
});

export const DateRangeQuerySchema = z.object({
  from: z.iso.date({ error: 'must be a date YYYY-MM-DD' }).openapi({ example: '2026-11-01' }),
  to: z.iso.date({ error: 'must be a date YYYY-MM-DD' }).openapi({ example: '2026-11-30' }),
});

const Spend = z
  .string()
  .openapi({ description: 'USD, exact decimal with 12 places', example: '12.345000000000' });

export const SpendFiguresSchema = z
  .object({
    spend: Spend,
    prompt_tokens: z.number().int(),
    completion_tokens: z.number().int(),
    api_requests: z.number().int(),
    successful_requests: z.number().int(),
    failed_requests: z.number().int(),
  })
  .openapi('SpendFigures');

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
    days: z.array(z.object({ date: z.string(), ...SpendFiguresSchema.shape })),
    totals: SpendFiguresSchema,
  })
  .openapi('DailySpend');

export const SpendLogSchema = z
  .object({
    request_id: z.string(),
    timestamp: z.string(),
    end_time: z.string().nullable(),
    api_key: z.string(),
    user_id: z.string().nullable(),
    team_id: z.string().nullable(),
    org_id: z.string().nullable(),
    end_user_id: z.string().nullable(),
    tags: z.array(z.string()),
    model: z.string(),
    model_group: z.string().nullable(),
    provider: z.string().nullable(),
    prompt_tokens: z.number().int(),
    completion_tokens: z.number().int(),
    spend: Spend,
    status: z.enum(['success', 'failure']),
    metadata: z.record(z.string(), z.unknown()).nullable(),
    ingested_at: z.string(),
  })
  .openapi('SpendLog');

export const ErrorSchema = z
  .object({
    error: z.object({
      code: z.string().openapi({ example: 'VALIDATION_FAILED' }),
      message: z.string(),
      requestId: z.string(),
      details: z
        .array(z.object({ field: z.string(), message: z.string(), index: z.number().optional() }))
        .optional(),
    }),
  })
  .openapi('Error');

export const errorResponses = {
  400: { description: 'Invalid parameters', content: { 'application/json': { schema: ErrorSchema } } },
  401: { description: 'Missing or invalid token', content: { 'application/json': { schema: ErrorSchema } } },
} as const;
