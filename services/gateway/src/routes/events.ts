import { ApiError, type Logger } from '@spend-ledger/platform';
import { Hono } from 'hono';
import { parseJsonBody, readBody } from '../json-body.ts';
import { type PublishDeps, publishEvents, sentAsIs } from '../publish-events.ts';
import { checkBatchSize, invalidBatch, type ValidateDeps, validateEvents } from '../validate-events.ts';

export type { Publisher } from '../publish-events.ts';

export interface EventsRouteDeps extends PublishDeps, ValidateDeps {
  log: Logger;
  maxBodyBytes: number;
}

export const JSON_TYPE = /^application\/json\b/i;

/** POST /v1/events: one event or an array; all-or-nothing; 202 only after acks=all. */
export function eventsRoute(deps: EventsRouteDeps): Hono {
  const app = new Hono();
  app.post('/', async (c) => {
    const contentType = c.req.header('content-type') ?? '';
    if (!JSON_TYPE.test(contentType)) {
      throw new ApiError('UNSUPPORTED_MEDIA_TYPE', 'send the events as application/json', [
        { field: 'content-type', message: `got "${contentType || '(none)'}"` },
      ]);
    }
    const accepted = await acceptEvents(deps, await readBody(c, deps.maxBodyBytes));
    return c.json({ accepted }, 202);
  });
  return app;
}

/**
 * POST /v1/events after its headers were checked, for the hono route and the fast path alike:
 * parse, validate, publish; resolves with the number of events Kafka acknowledged, else throws the
 * ApiError of the answer.
 */
export async function acceptEvents(deps: EventsRouteDeps, bytes: Buffer): Promise<number> {
  const elements: number[] = [];
  const body = parseJsonBody(bytes, undefined, elements);
  const items = Array.isArray(body) ? body : [body];
  checkBatchSize(items.length, deps.maxEventsPerRequest);
  const parsed = validateEvents(items, deps);
  if (!parsed.ok) {
    throw invalidBatch(
      parsed.issues.map((i) => ({ index: i.index, field: i.field, message: i.message })),
      items.length,
      deps.metrics,
    );
  }
  const accepted = parsed.events.length;
  await publishEvents(deps, parsed.events, sentAsIs(bytes, elements, items, parsed.events));
  return accepted;
}
