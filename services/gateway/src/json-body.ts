import type { IncomingMessage } from 'node:http';
import { ApiError } from '@spend-ledger/platform';
import type { Context } from 'hono';

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
  const declared = Number(c.req.header('content-length'));
  if (declared > maxBytes) throw tooLarge(maxBytes);
  const incoming = (c.env as { incoming?: IncomingMessage } | undefined)?.incoming;
  if (!incoming || incoming.readableEnded || incoming.readableDidRead) {
    const body = Buffer.from(await c.req.arrayBuffer());
    if (body.length > maxBytes) throw tooLarge(maxBytes);
    return body;
  }
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

const utf8 = new TextDecoder();

const tooDeep = (maxDepth: number) =>
  new ApiError('INVALID_JSON', `JSON nested deeper than ${maxDepth} levels`, [
    { field: '(body)', message: `nesting deeper than ${maxDepth}` },
  ]);

/** Linear scan of the bytes (UTF-8 continuation bytes never look like ASCII brackets or quotes). */
function scanDepth(bytes: Uint8Array, maxDepth: number): void {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < bytes.length; i++) {
    const ch = bytes[i] as number;
    if (inString) {
      if (ch === 92 /* \ */) i++;
      else if (ch === 34 /* " */) inString = false;
    } else if (ch === 34) inString = true;
    else if (ch === 91 /* [ */ || ch === 123 /* { */) {
      if (++depth > maxDepth) throw tooDeep(maxDepth);
    } else if (ch === 93 || ch === 125) depth--;
  }
}

/** Iterative walk over the containers of a parsed value; true if nesting exceeds maxDepth. */
function deeperThan(root: unknown, maxDepth: number): boolean {
  if (typeof root !== 'object' || root === null) return false;
  const stack: object[] = [root];
  const depths: number[] = [1];
  while (stack.length > 0) {
    const value = stack.pop() as object;
    const depth = depths.pop() as number;
    if (depth > maxDepth) return true;
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
        const v = (value as Record<string, unknown>)[key];
        if (typeof v === 'object' && v !== null) {
          stack.push(v);
          depths.push(depth + 1);
        }
      }
    }
  }
  return false;
}

/**
 * Parses a request body as JSON, refusing nesting deeper than maxDepth so a later recursive walk
 * (JSON.stringify of metadata, logging) cannot exhaust the stack.
 */
export function parseJsonBody(body: Buffer | string, maxDepth = MAX_JSON_DEPTH): unknown {
  const size = typeof body === 'string' ? Buffer.byteLength(body) : body.length;
  const parseFirst = size <= PARSE_FIRST_MAX_BYTES;
  if (!parseFirst) scanDepth(typeof body === 'string' ? Buffer.from(body) : body, maxDepth);
  let value: unknown;
  try {
    // TextDecoder as Request.text() decodes: a BOM is dropped, invalid UTF-8 becomes U+FFFD.
    value = JSON.parse(typeof body === 'string' ? body : utf8.decode(body));
  } catch (error) {
    throw new ApiError('INVALID_JSON', 'request body is not valid JSON', [
      { field: '(body)', message: (error as Error).message },
    ]);
  }
  if (parseFirst && deeperThan(value, maxDepth)) throw tooDeep(maxDepth);
  return value;
}
