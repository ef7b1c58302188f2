import { ApiError } from '@spend-ledger/platform';
import type { Context } from 'hono';
import { parseJsonBody, readBody } from '../json-body.ts';

/** LiteLLM's StandardLoggingPayload nests the response and guardrail results deeper than events do. */
export const LITELLM_MAX_JSON_DEPTH = 64;

const JSON_TYPE = /^application\/(?:json|x-ndjson|ndjson)\b/i;

/**
 * The items of a LiteLLM body: a JSON array (generic_api's default `json_array`, and every
 * SPEND_LOGS_URL post), one object (`single`), or NDJSON (`ndjson`, which LiteLLM still sends as
 * content-type application/json).
 */
export async function readLiteLLMItems(c: Context, maxBodyBytes: number): Promise<unknown[]> {
  const contentType = c.req.header('content-type') ?? '';
  if (!JSON_TYPE.test(contentType)) {
    throw new ApiError('UNSUPPORTED_MEDIA_TYPE', 'send JSON (application/json) as LiteLLM does', [
      { field: 'content-type', message: `got "${contentType || '(none)'}"` },
    ]);
  }
  const body = await readBody(c, maxBodyBytes);
  let value: unknown;
  try {
    value = parseJsonBody(body, LITELLM_MAX_JSON_DEPTH);
  } catch (error) {
    const text = body.toString('utf8');
    if (!(error instanceof ApiError) || !text.trimEnd().includes('\n')) throw error;
    return parseNdjson(text);
  }
  return Array.isArray(value) ? value : [value];
}

function parseNdjson(text: string): unknown[] {
  const items: unknown[] = [];
  const lines = text.split('\n');
  lines.forEach((line, i) => {
    if (line.trim() === '') return;
    try {
      items.push(parseJsonBody(line, LITELLM_MAX_JSON_DEPTH));
    } catch (error) {
      const reason =
        error instanceof ApiError ? (error.details?.[0]?.message ?? error.message) : String(error);
      throw new ApiError('INVALID_JSON', `line ${i + 1} of the NDJSON body is not valid JSON`, [
        { field: '(body)', message: `line ${i + 1}: ${reason}` },
      ]);
    }
  });
  return items;
}
