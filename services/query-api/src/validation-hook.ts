import type { Hook } from '@hono/zod-openapi';
import { ApiError } from '@spend-ledger/platform';

/** Turns zod-openapi's validation failures into the shared error body, naming each field. */
// biome-ignore lint/suspicious/noExplicitAny: the hook is generic over every route's input and env.
export const validationHook: Hook<any, any, any, any> = (result) => {
  if (result.success) return;
  const details = result.error.issues.map((i) => ({
    field: i.path.join('.') || '(request)',
    message: i.message,
  }));
  throw new ApiError(
    'VALIDATION_FAILED',
    `invalid ${result.target}: ${details.map((d) => d.field).join(', ')}`,
    details,
  );
};
