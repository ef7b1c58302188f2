import type { IncomingMessage } from 'node:http';
import { ApiError } from '@spend-ledger/platform';
import type { Context } from 'hono';
import { findDuplicateKey } from './duplicate-keys.ts';
import { scanJson } from './json-scan.ts';

/** Deeper JSON than this is refused: no event needs it, and it costs stack. */
export const MAX_JSON_DEPTH = 32;

/**
 * Bodies up to this size are parsed first and their depth checked on the parsed value (a walk over
 * containers only, ~10× cheaper than a scan of every byte). Larger bodies are scanned before
 * parsing, so a body of a million '[' never reaches JSON.parse (which would build a million arrays).
 * At this size the worst case is ~30k nested arrays: a few ms and a couple of MB.
 */
export const PARSE_FIRST_MAX_BYTES = 64 * 1024;

const tooLarge = (maxBytes: number) =>
  new ApiError('PAYLOAD_TOO_LARGE', `request body exceeds ${maxBytes} bytes`);

/**
 * The request body as bytes, at most maxBytes (413 past it, before reading when Content-Length says
 * so). Under @hono/node-server it reads the Node request directly: going through c.req (a Web
 * Request over a Web stream over the Node stream) cost more CPU than validating the events.
 */
export async function readBody(c: Context, maxBytes: number): Promise<Buffer> {
  const incoming = (c.env as { incoming?: IncomingMessage } | undefined)?.incoming;
  if (incoming && !incoming.readableEnded && !incoming.readableDidRead)
    return readNodeBody(incoming, maxBytes);
  if (Number(c.req.header('content-length')) > maxBytes) throw tooLarge(maxBytes);
  const body = Buffer.from(await c.req.arrayBuffer());
  if (body.length > maxBytes) throw tooLarge(maxBytes);
  return body;
}

/** The body of Node's request itself (readBody's way, and the ingest fast path's). */
export function readNodeBody(incoming: IncomingMessage, maxBytes: number): Promise<Buffer> {
  if (Number(incoming.headers['content-length']) > maxBytes) return Promise.reject(tooLarge(maxBytes));
  return readIncoming(incoming, maxBytes);
}

function readIncoming(incoming: IncomingMessage, maxBytes: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const cleanup = () => {
      incoming.off('data', onData);
      incoming.off('end', onEnd);
      incoming.off('error', onError);
      incoming.off('aborted', onAborted);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) {
        cleanup();
        // The server drains (or closes) what is left once the 413 is sent.
        reject(tooLarge(maxBytes));
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => {
      cleanup();
      resolve(chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, size));
    };
    const onError = (error: Error) => {
      cleanup();
      reject(error);
    };
    const onAborted = () => onError(new Error('client aborted the request'));
    incoming.on('data', onData);
    incoming.on('end', onEnd);
    incoming.on('error', onError);
    incoming.on('aborted', onAborted);
  });
}

// Fatal: invalid UTF-8 is refused, not turned into U+FFFD (which would store text the sender never
// sent). A BOM is still dropped, as Request.text() does.
const utf8 = new TextDecoder('utf-8', { fatal: true });

const tooDeep = (maxDepth: number) =>
  new ApiError('INVALID_JSON', `JSON nested deeper than ${maxDepth} levels`, [
    { field: '(body)', message: `nesting deeper than ${maxDepth}` },
  ]);

/**
 * Iterative walk over the containers of a parsed value: the number of keys its objects kept, or -1
 * if nesting exceeds maxDepth.
 */
export function countKeysWithin(root: unknown, maxDepth: number): number {
  if (typeof root !== 'object' || root === null) return 0;
  let keys = 0;
  const stack: object[] = [root];
  const depths: number[] = [1];
  while (stack.length > 0) {
    const value = stack.pop() as object;
    const depth = depths.pop() as number;
    if (depth > maxDepth) return -1;
    if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) {
        const v: unknown = value[i];
        if (typeof v === 'object' && v !== null) {
          stack.push(v);
          depths.push(depth + 1);
        }
      }
    } else {
      for (const key in value) {
        keys++;
        const v = (value as Record<string, unknown>)[key];
        if (typeof v === 'object' && v !== null) {
          stack.push(v);
          depths.push(depth + 1);
        }
      }
    }
  }
  return keys;
}

/** The 400 naming a repeated key: its event (index) and its path inside the event. */
function duplicateKeyError(text: string): ApiError {
  const path = findDuplicateKey(text) ?? ['(unknown)'];
  const [first, ...rest] = path;
  const inBatch = typeof first === 'number';
  const field = (inBatch ? rest : path).join('.');
  const name = String(path[path.length - 1]).slice(0, 100);
  return new ApiError('INVALID_JSON', `duplicate key "${name}" in the request body`, [
    {
      ...(inBatch ? { index: first } : {}),
      field,
      message: 'duplicate key: JSON.parse would keep only the last',
    },
  ]);
}

/**
 * Parses a request body as JSON, refusing invalid UTF-8, duplicate keys (JSON.parse would silently
 * keep the last) and nesting deeper than maxDepth, so a later recursive walk (JSON.stringify of
 * metadata, logging) cannot exhaust the stack. With `elements`, also the byte range of each top-level
 * value of `body`'s bytes (json-scan.ts), from the same pass over the bytes.
 */
export function parseJsonBody(
  body: Buffer | string,
  maxDepth = MAX_JSON_DEPTH,
  elements?: number[],
): unknown {
  const bytes = typeof body === 'string' ? Buffer.from(body) : body;
  const parseFirst = bytes.length <= PARSE_FIRST_MAX_BYTES;
  // A large body is scanned (members, depth) before it is parsed; a small one after.
  const scanned = parseFirst ? undefined : scanJson(bytes, maxDepth, elements);
  if (scanned !== undefined && scanned < 0) throw tooDeep(maxDepth);
  let text: string;
  try {
    text = typeof body === 'string' ? body : utf8.decode(body);
  } catch {
    throw new ApiError('INVALID_JSON', 'request body is not valid UTF-8', [
      { field: '(body)', message: 'invalid UTF-8 byte sequence' },
    ]);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new ApiError('INVALID_JSON', 'request body is not valid JSON', [
      { field: '(body)', message: (error as Error).message },
    ]);
  }
  const keys = countKeysWithin(value, maxDepth);
  if (keys < 0) throw tooDeep(maxDepth);
  // Members in the text against keys kept by JSON.parse: equal unless a key repeats in an object.
  const members = scanned ?? scanJson(bytes, Number.POSITIVE_INFINITY, elements);
  if (members !== keys) throw duplicateKeyError(text);
  return value;
}
