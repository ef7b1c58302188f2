import { OpenAPIHono, z } from '@hono/zod-openapi';

/**
 * The gateway's OpenAPI 3.1 document. The handlers read raw bodies (the hot path validates with the
 * contract, not with an OpenAPI validator), so the paths are registered here, beside them, from zod
 * schemas that describe the same fields as the README's contract table.
 */

const money = (description: string) =>
  z.union([z.string(), z.number()]).openapi({ description, example: '0.010500000000' });

const SpendEventDoc = z
  .object({
    request_id: z.string().min(1).max(128).openapi({ description: 'The idempotency key' }),
    timestamp: z
      .string()
      .openapi({ format: 'date-time', description: 'RFC 3339 with a zone; its UTC day books the spend' }),
    end_time: z.string().nullish().openapi({ format: 'date-time' }),
    api_key: z.string().max(256).openapi({
      description:
        'Key hash or alias; a raw `sk-...` is stored as its SHA-256; "" = no virtual key (counted for every other entity)',
    }),
    user_id: z.string().max(256).nullish(),
    team_id: z.string().max(256).nullish(),
    org_id: z.string().max(256).nullish(),
    end_user_id: z.string().max(256).nullish(),
    tags: z.array(z.string().min(1).max(128)).max(64).nullish(),
    model: z.string().min(1).max(256),
    model_group: z.string().max(256).nullish(),
    provider: z.string().max(256).nullish().openapi({ description: "LiteLLM's custom_llm_provider" }),
    prompt_tokens: z.number().int().min(0).optional(),
    completion_tokens: z.number().int().min(0).optional(),
    cache_read_input_tokens: z.number().int().min(0).optional(),
    cache_creation_input_tokens: z.number().int().min(0).optional(),
    spend: money(
      'USD, at most 12 decimals. Null or absent: priced from the tokens (spend_source price-map@<version>, price-override or unpriced)',
    ).nullish(),
    spend_source: z.string().max(64).optional().openapi({ description: 'Default `sender`' }),
    status: z.enum(['success', 'failure']).optional(),
    metadata: z.record(z.string(), z.unknown()).nullish().openapi({ description: 'At most 16 KiB as JSON' }),
  })
  .openapi('SpendEvent');

const Accepted = z.object({ accepted: z.number().int() }).openapi('Accepted');

const ErrorBody = z
  .object({
    error: z.object({
      code: z.enum([
        'INVALID_JSON',
        'VALIDATION_FAILED',
        'UNAUTHORIZED',
        'PAYLOAD_TOO_LARGE',
        'UNSUPPORTED_MEDIA_TYPE',
        'UNAVAILABLE',
        'INTERNAL',
      ]),
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
  content: { 'application/json': { schema: ErrorBody } },
});
const errors = {
  400: errorResponse(
    'Invalid JSON, or invalid items: each detail names the item `index` and `field`; nothing published',
  ),
  401: errorResponse('Missing or wrong ingest token'),
  413: errorResponse('Body too large'),
  415: errorResponse('Not JSON'),
  503: {
    ...errorResponse('Kafka did not acknowledge in time; nothing accepted: retry with the same ids'),
    headers: { 'Retry-After': { schema: { type: 'integer' as const }, description: 'Seconds' } },
  },
};

const LiteLLMItem = z
  .record(z.string(), z.unknown())
  .openapi('LiteLLMPayload', { description: "LiteLLM's own JSON; unknown fields are ignored" });

const litellmBody = (description: string) => ({
  description,
  required: true,
  content: { 'application/json': { schema: z.union([z.array(LiteLLMItem), LiteLLMItem]) } },
});
const litellmOk = {
  200: {
    description: 'Every item acknowledged by Kafka (acks=all); LiteLLM drops its copy only on 200',
    content: { 'application/json': { schema: Accepted } },
  },
};

export function gatewayOpenApiDocument(): unknown {
  const doc = new OpenAPIHono();
  const registry = doc.openAPIRegistry;
  registry.registerComponent('securitySchemes', 'bearer', {
    type: 'http',
    scheme: 'bearer',
    description: 'An ingest token (LEDGER_INGEST_TOKENS)',
  });
  registry.registerPath({
    method: 'post',
    path: '/v1/events',
    summary: 'Publish spend events',
    description: 'One event or an array of up to MAX_EVENTS_PER_REQUEST. All-or-nothing.',
    request: {
      body: {
        required: true,
        content: { 'application/json': { schema: z.union([SpendEventDoc, z.array(SpendEventDoc)]) } },
      },
    },
    responses: {
      202: {
        description: 'Acknowledged by Kafka (acks=all)',
        content: { 'application/json': { schema: Accepted } },
      },
      ...errors,
    },
  });
  registry.registerPath({
    method: 'post',
    path: '/v1/litellm/logs',
    summary: "LiteLLM's generic_api callback",
    description:
      'StandardLoggingPayloads: a JSON array (log_format json_array), one object (single) or NDJSON (ndjson, sent as application/json).',
    request: { body: litellmBody('StandardLoggingPayload items') },
    responses: { ...litellmOk, ...errors },
  });
  registry.registerPath({
    method: 'post',
    path: '/v1/litellm/spend/update',
    summary: "LiteLLM's SPEND_LOGS_URL hand-off, Bearer token",
    request: { body: litellmBody('SpendLogsPayload rows (metadata and request_tags as JSON text)') },
    responses: { ...litellmOk, ...errors },
  });
  registry.registerPath({
    method: 'post',
    path: '/v1/litellm/t/{token}/spend/update',
    summary: "LiteLLM's SPEND_LOGS_URL hand-off, token in the path",
    description:
      'For SPEND_LOGS_URL=https://gateway/v1/litellm/t/<token>: LiteLLM sends no Authorization header.',
    security: [],
    request: {
      params: z.object({
        token: z.string().openapi({ param: { name: 'token', in: 'path' }, description: 'An ingest token' }),
      }),
      body: litellmBody('SpendLogsPayload rows (metadata and request_tags as JSON text)'),
    },
    responses: { ...litellmOk, ...errors },
  });
  return doc.getOpenAPI31Document({
    openapi: '3.1.0',
    info: {
      title: 'Spend Ledger gateway',
      version: '1.1.0',
      description:
        'Publishes LLM spend events to the ledger. Money is an exact decimal (USD, 12 decimals). Authenticate with `Authorization: Bearer <ingest token>`.',
    },
    security: [{ bearer: [] }],
  });
}
