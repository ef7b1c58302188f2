import { z } from '@hono/zod-openapi';
import { ENTITY_TYPES } from '@spend-ledger/contract';
import { REPORT_DIMENSIONS } from '@spend-ledger/ledger-db';
import { DateRangeQuerySchema, FormatSchema, SpendFiguresSchema } from './common.ts';
import { textParam } from './params.ts';

export const ReportQuerySchema = DateRangeQuerySchema.extend({
  group_by: z.enum(REPORT_DIMENSIONS).openapi({ example: 'team' }),
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .max(10_000)
    .default(20)
    .openapi({ type: 'integer', default: 20, description: 'Rows, highest spend first' }),
  entity_type: z.enum(ENTITY_TYPES).optional().openapi({
    description:
      'With entity_id: only the events of this entity; group_by must then be key, model or provider (or team_member inside a team: its members). Scoped tokens always report inside their entity.',
  }),
  entity_id: textParam(1600).optional(),
  format: FormatSchema,
});

export const ReportSchema = z
  .object({
    group_by: z.enum(REPORT_DIMENSIONS),
    from: z.string(),
    to: z.string(),
    timezone: z.string(),
    entity_type: z.enum(ENTITY_TYPES).optional(),
    entity_id: z.string().optional(),
    results: z.array(z.object({ value: z.string(), ...SpendFiguresSchema.shape })),
    metadata: z.object({
      groups: z
        .number()
        .int()
        .openapi({ description: 'Values with requests in the range, beyond limit too' }),
      limit: z.number().int(),
      totals: SpendFiguresSchema.openapi({ description: 'Over every group' }),
    }),
  })
  .openapi('SpendReport');
