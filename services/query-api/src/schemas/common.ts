import { z } from '@hono/zod-openapi';
import { ENTITY_TYPES } from '@spend-ledger/contract';
import { queryTimeZone } from '../time-zone.ts';
import { dateParam, textParam } from './params.ts';

export const EntityParamsSchema = z.object({
  entity_type: z.enum(ENTITY_TYPES).openapi({ param: { name: 'entity_type', in: 'path' }, example: 'team' }),
  entity_id: textParam(1600)
    // A team_member id is two ids of up to 256 characters, escaped: see docs/query-api.md.
    .max(1600)
    .openapi({
      param: { name: 'entity_id', in: 'path' },
      example: 'team-platform',
      description:
        'The entity id, URL-encoded. A team member is `<team_id>/<user_id>` with `%` and `/` inside each id written `%25` and `%2F` (so `research/alice`, sent as `research%2Falice`); the proxy is `litellm-proxy-budget`.',
    }),
});

const day = (example: string) => dateParam().openapi({ example, format: 'date' });

export const TimeZoneSchema = z
  .string()
  .default('UTC')
  .transform((name, ctx) => {
    const zone = queryTimeZone(name);
    if (zone) return zone;
    ctx.addIssue({ code: 'custom', message: 'must be an IANA time zone name such as Europe/Paris or UTC' });
    return z.NEVER;
  })
  .openapi({
    type: 'string',
    default: 'UTC',
    example: 'Asia/Kolkata',
    description:
      'IANA time zone of the days: each day runs from local midnight to local midnight, daylight-saving changes included. Figures are exact in every zone.',
  });

/** Inclusive local dates; the range limit is checked by the route (it is configuration). */
export const DateRangeQuerySchema = z.object({
  from: day('2026-11-01').openapi({ description: 'First day, inclusive' }),
  to: day('2026-11-30').openapi({ description: 'Last day, inclusive' }),
  timezone: TimeZoneSchema,
});

export const FormatSchema = z
  .enum(['json', 'csv'])
  .default('json')
  .openapi({ description: '`csv` streams text/csv (RFC 4180, header row) instead of JSON' });

/** Query-string booleans read strictly ("false" is false). */
export const BooleanQuerySchema = z
  .enum(['true', 'false'], { error: 'must be true or false' })
  .optional()
  .transform((v) => v === 'true')
  .openapi({ type: 'string', enum: ['true', 'false'] });

export const Spend = z
  .string()
  .openapi({ description: 'USD, exact decimal with 12 places', example: '12.345000000000' });

export const SpendFiguresSchema = z
  .object({
    spend: Spend,
    prompt_tokens: z.number().int(),
    completion_tokens: z.number().int(),
    cache_read_input_tokens: z
      .number()
      .int()
      .openapi({ description: 'Prompt tokens read from the prompt cache' }),
    cache_creation_input_tokens: z
      .number()
      .int()
      .openapi({ description: 'Prompt tokens written to the prompt cache' }),
    api_requests: z.number().int(),
    successful_requests: z.number().int(),
    failed_requests: z.number().int(),
  })
  .openapi('SpendFigures');

export const ErrorSchema = z
  .object({
    error: z.object({
      code: z
        .enum([
          'INVALID_JSON',
          'VALIDATION_FAILED',
          'UNAUTHORIZED',
          'FORBIDDEN',
          'NOT_FOUND',
          'PAYLOAD_TOO_LARGE',
          'UNSUPPORTED_MEDIA_TYPE',
          'UNAVAILABLE',
          'INTERNAL',
        ])
        .openapi({ example: 'VALIDATION_FAILED' }),
      message: z.string(),
      requestId: z.string(),
      details: z
        .array(z.object({ field: z.string(), message: z.string(), index: z.number().int().optional() }))
        .optional(),
    }),
  })
  .openapi('Error');

const errorResponse = (description: string) => ({
  description,
  content: { 'application/json': { schema: ErrorSchema } },
});

export const errorResponses = {
  400: errorResponse('Invalid parameters, or a range beyond the limit'),
  401: errorResponse('Missing or invalid token'),
  403: errorResponse("Outside the token's scope"),
} as const;

export const notFoundResponse = { 404: errorResponse('Not found') } as const;

export const csvContent = {
  'text/csv': { schema: z.string().openapi({ description: 'Streamed CSV with a header row' }) },
} as const;
