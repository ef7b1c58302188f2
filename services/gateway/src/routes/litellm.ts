import type { EventIssue } from '@spend-ledger/contract';
import type { ErrorDetail, Logger } from '@spend-ledger/platform';
import { type Context, Hono } from 'hono';
import { type LiteLLMFormat, mapLiteLLMItem, SOURCE_FIELDS } from '../litellm/map-litellm.ts';
import { pathTokenAuth } from '../litellm/path-token-auth.ts';
import { readLiteLLMItems } from '../litellm/read-litellm-body.ts';
import { type PublishDeps, publishEvents } from '../publish-events.ts';
import { checkBatchSize, invalidBatch, type ValidateDeps, validateEvents } from '../validate-events.ts';

export interface LiteLLMRouteDeps extends PublishDeps, ValidateDeps {
  log: Logger;
  ingestTokens: readonly string[];
  litellmMaxBodyBytes: number;
}

/**
 * LiteLLM's two ways of shipping spend, mapped into the event contract (map-litellm.ts) and taken
 * down the same path as /v1/events. 200 (LiteLLM's SPEND_LOGS_URL keeps its rows until it sees
 * exactly 200) only after Kafka acknowledged every event; 503 + Retry-After otherwise.
 *
 * - POST /logs: the generic_api callback (Bearer token in its configured headers);
 * - POST /spend/update: SPEND_LOGS_URL with a Bearer token;
 * - POST /t/{token}/spend/update: SPEND_LOGS_URL as LiteLLM sends it, with no headers at all.
 *
 * Mounted under /v1/litellm; the bearer check of /v1/* skips /v1/litellm/t/.
 */
export function litellmRoutes(deps: LiteLLMRouteDeps): Hono {
  const app = new Hono();
  app.post('/logs', (c) => ingest(c, deps, 'standard_logging_payload'));
  app.post('/spend/update', (c) => ingest(c, deps, 'spend_log'));
  app.post('/t/:token/spend/update', pathTokenAuth(deps.ingestTokens), (c) => ingest(c, deps, 'spend_log'));
  return app;
}

async function ingest(c: Context, deps: LiteLLMRouteDeps, format: LiteLLMFormat): Promise<Response> {
  const items = await readLiteLLMItems(c, deps.litellmMaxBodyBytes);
  checkBatchSize(items.length, deps.maxEventsPerRequest);
  const details: ErrorDetail[] = [];
  const inputs: unknown[] = [];
  const indexOf: number[] = [];
  items.forEach((item, index) => {
    const mapped = mapLiteLLMItem(format, item);
    if (mapped.ok) {
      inputs.push(mapped.event);
      indexOf.push(index);
    } else {
      for (const issue of mapped.issues) details.push({ index, ...issue });
    }
  });
  const parsed = validateEvents(inputs, deps);
  if (!parsed.ok) details.push(...parsed.issues.map((i) => inLiteLLMTerms(i, indexOf, format)));
  if (details.length > 0 || !parsed.ok) {
    throw invalidBatch(
      details.sort((a, b) => (a.index ?? 0) - (b.index ?? 0)).slice(0, 100),
      items.length,
      deps.metrics,
    );
  }
  const accepted = parsed.events.length;
  await publishEvents(deps, parsed.events);
  return c.json({ accepted }, 200);
}

/** A contract issue of a mapped event, with the index of its item and the LiteLLM field's name. */
function inLiteLLMTerms(issue: EventIssue, indexOf: readonly number[], format: LiteLLMFormat): ErrorDetail {
  const [head = '', ...rest] = issue.field.split('.');
  const source = SOURCE_FIELDS[format][head] ?? head;
  return {
    index: indexOf[issue.index] ?? issue.index,
    field: [source, ...rest].join('.'),
    message: issue.message,
  };
}
