import { ApiError } from '@spend-ledger/platform';

/** Deeper JSON than this is refused before parsing: no event needs it, and it costs stack. */
export const MAX_JSON_DEPTH = 32;

/**
 * Parses a request body as JSON after a linear scan that rejects nesting deeper than maxDepth, so a
 * body of a million '[' cannot exhaust the stack in a later recursive walk (JSON.stringify of
 * metadata, logging).
 */
export function parseJsonBody(text: string, maxDepth = MAX_JSON_DEPTH): unknown {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (inString) {
      if (ch === 92 /* \ */) i++;
      else if (ch === 34 /* " */) inString = false;
    } else if (ch === 34) inString = true;
    else if (ch === 91 /* [ */ || ch === 123 /* { */) {
      if (++depth > maxDepth) {
        throw new ApiError('INVALID_JSON', `JSON nested deeper than ${maxDepth} levels`, [
          { field: '(body)', message: `nesting deeper than ${maxDepth}` },
        ]);
      }
    } else if (ch === 93 || ch === 125) depth--;
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new ApiError('INVALID_JSON', 'request body is not valid JSON', [
      { field: '(body)', message: (error as Error).message },
    ]);
  }
}
