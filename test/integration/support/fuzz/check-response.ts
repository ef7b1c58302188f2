import { ERROR_STATUS } from '@spend-ledger/platform';
import type { FuzzRequest } from './requests.ts';

export interface Answer {
  status: number;
  contentType: string;
  text: string;
}

const MONEY = /^\d+\.\d{12}$/;
const COUNTERS = new Set([
  'prompt_tokens',
  'completion_tokens',
  'api_requests',
  'successful_requests',
  'failed_requests',
]);

/**
 * Money and counters anywhere in a JSON answer: exact 12-place decimal strings (LiteLLM's own routes
 * answer spend as a JSON number, as LiteLLM does: finite and not negative), non-negative integers.
 */
function checkFigures(value: unknown, path: string, problems: string[], liteLlm: boolean): void {
  if (Array.isArray(value)) {
    for (const [i, v] of value.entries()) checkFigures(v, `${path}[${i}]`, problems, liteLlm);
    return;
  }
  if (value === null || typeof value !== 'object') return;
  for (const [key, v] of Object.entries(value)) {
    const money = liteLlm
      ? typeof v === 'number' && Number.isFinite(v) && v >= 0
      : typeof v === 'string' && MONEY.test(v);
    if (key === 'spend' && !money) problems.push(`${path}.${key} = ${JSON.stringify(v)}`);
    if (COUNTERS.has(key) && !(Number.isSafeInteger(v) && (v as number) >= 0))
      problems.push(`${path}.${key} = ${JSON.stringify(v)}`);
    checkFigures(v, `${path}.${key}`, problems, liteLlm);
  }
}

/** Why the answer breaks the rules, or undefined when it is a documented 4xx or a sane 2xx. */
export function checkAnswer(request: FuzzRequest, answer: Answer): string | undefined {
  const { status, contentType, text } = answer;
  if (status >= 500) return `status ${status}`;
  if (status < 200 || (status >= 300 && status < 400)) return `unexpected status ${status}`;
  if (request.method === 'HEAD') return undefined;
  if (status >= 400) {
    if (!contentType.includes('application/json')) return `${status} with content-type ${contentType}`;
    let body: { error?: { code?: unknown; message?: unknown; requestId?: unknown; details?: unknown } };
    try {
      body = JSON.parse(text);
    } catch {
      return `${status} with a body that is not JSON`;
    }
    const error = body.error;
    if (!error || typeof error.code !== 'string' || !(error.code in ERROR_STATUS))
      return `${status} without a known error code`;
    if (ERROR_STATUS[error.code as keyof typeof ERROR_STATUS] !== status)
      return `code ${error.code} with status ${status}`;
    if (typeof error.message !== 'string' || error.message === '') return `${status} without a message`;
    if (typeof error.requestId !== 'string' || error.requestId === '') return `${status} without a requestId`;
    if (error.details !== undefined) {
      const ok =
        Array.isArray(error.details) &&
        error.details.every(
          (d: { field?: unknown; message?: unknown; index?: unknown }) =>
            typeof d.field === 'string' &&
            typeof d.message === 'string' &&
            (d.index === undefined || Number.isInteger(d.index)),
        );
      if (!ok) return `${status} with malformed details`;
    }
    return undefined;
  }
  if (contentType.includes('application/json')) {
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      return `${status} with JSON content-type and a body that is not JSON`;
    }
    if (body !== null && typeof body === 'object' && 'error' in body) return `${status} with an error body`;
    const problems: string[] = [];
    // Figures are checked in ledger answers, not in the OpenAPI document's examples.
    if (request.url.startsWith('/v1/')) checkFigures(body, '$', problems, false);
    else if (/^\/[a-z]+\/daily\/activity/.test(request.url)) checkFigures(body, '$', problems, true);
    return problems.length ? `${status} with bad figures: ${problems.slice(0, 3).join('; ')}` : undefined;
  }
  if (contentType.includes('text/csv'))
    return text.length > 0 && text.includes('\n') ? undefined : `${status} CSV without a header row`;
  if (contentType.includes('text/html')) return undefined;
  // The dashboard's assets: scripts, styles, images, served as files.
  if (request.url.startsWith('/ui/') && contentType !== '') return undefined;
  return `${status} with content-type ${contentType}`;
}

/** A short, printable description of a request, for failure reports. */
export function describeRequest(request: FuzzRequest): string {
  const body =
    request.body === undefined
      ? ''
      : typeof request.body === 'string'
        ? ` body=${JSON.stringify(request.body.slice(0, 300))}${request.body.length > 300 ? `…(${request.body.length} chars)` : ''}`
        : ` body=<${request.body.length} bytes, hex ${Buffer.from(request.body.slice(0, 120)).toString('hex')}>`;
  return `${request.method} ${request.url.slice(0, 300)} headers=${JSON.stringify(request.headers).slice(0, 300)}${body}`;
}
