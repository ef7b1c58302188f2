import { z } from '@hono/zod-openapi';
import { ApiKeyQuerySchema } from '../api-key-param.ts';
import { Spend } from './common.ts';
import { instantParam, textParam } from './params.ts';

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
    cache_read_input_tokens: z.number().int(),
    cache_creation_input_tokens: z.number().int(),
    spend: Spend,
    spend_source: z.string().openapi({
      description:
        '`sender` when the event carried its cost, `price-map@<version>` when the gateway priced it',
    }),
    status: z.enum(['success', 'failure']),
    metadata: z.record(z.string(), z.unknown()).nullable(),
    ingested_at: z.string(),
  })
  .openapi('SpendLog');

const id = (description: string) => textParam(256).optional().openapi({ description });
const dateTime = instantParam().optional();

export const LogsQuerySchema = z.object({
  api_key: ApiKeyQuerySchema,
  user_id: id('Only this user'),
  team_id: id('Only this team'),
  org_id: id('Only this org'),
  end_user_id: id('Only this end user'),
  tag: textParam(128).optional().openapi({ description: 'Only events with this tag' }),
  model: id('Only this model'),
  status: z.enum(['success', 'failure']).optional(),
  start_time: dateTime.openapi({ description: 'From this instant, inclusive' }),
  end_time: dateTime.openapi({ description: 'Before this instant, exclusive' }),
  limit: z.coerce.number().int().min(1).max(1000).default(100).openapi({ type: 'integer', default: 100 }),
  cursor: z.string().max(600).optional().openapi({ description: '`next_cursor` of the previous page' }),
});

export const LogsPageSchema = z
  .object({
    data: z.array(SpendLogSchema).openapi({ description: 'Newest first' }),
    next_cursor: z.string().nullable().openapi({ description: 'null on the last page' }),
    has_more: z.boolean(),
  })
  .openapi('SpendLogPage');
