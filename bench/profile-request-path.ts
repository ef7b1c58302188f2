// `node --import tsx bench/profile-request-path.ts FILE.cpuprofile [DIST.js.map]`: a gateway CPU
// profile of single-event requests (e.g. `npm run bench -- --only gateway --gateway-batches 1
// --cpu-prof`) by the step of the per-request path the time is spent in. Frames of the gateway's
// bundle are mapped back to their TypeScript source through its source map, so each of our modules
// is its own category. Each sample goes to the nearest frame, from the leaf up, that names a
// category; a socket write (a native leaf) counts for whoever wrote: node:http's response or kafkajs.
import { readFileSync } from 'node:fs';
import { SourceMap } from 'node:module';
import path from 'node:path';
import { type ProfileNode, printByCategory, readCpuProfile } from './lib/profile-by-category.ts';

const file = process.argv[2];
if (!file) throw new Error('usage: bench/profile-request-path.ts FILE.cpuprofile [main.js.map]');
const mapFile = process.argv[3] ?? new URL('../services/gateway/dist/main.js.map', import.meta.url).pathname;
const sourceMap = new SourceMap(JSON.parse(readFileSync(mapFile, 'utf8')));

/** Our TypeScript source (path inside the repository) and line of a bundle frame. */
function sourceOf(frame: ProfileNode['callFrame']): { path: string; line: number } | undefined {
  if (!/services\/gateway\/dist\/main\.js$/.test(frame.url)) return undefined;
  const entry = sourceMap.findEntry(frame.lineNumber, frame.columnNumber) as {
    originalSource?: string;
    originalLine?: number;
  };
  if (!entry.originalSource) return undefined;
  const absolute = path.resolve(path.dirname(mapFile), entry.originalSource.replace(/^file:\/\//, ''));
  return { path: absolute.replace(/^.*?\/(packages|services)\//, '$1/'), line: entry.originalLine ?? 0 };
}

const OUR_MODULES: Array<[RegExp, string]> = [
  [/platform\/src\/request-context/, 'request ids (randomUUID, X-Request-Id)'],
  [/platform\/src\/http-auth/, 'auth (bearer token)'],
  [/platform\/src\/http-errors/, 'error bodies'],
  [/gateway\/src\/app\.ts/, 'request metrics + log middleware'],
  [/gateway\/src\/ingest-fast-path|platform\/src\/running-service/, 'fast path (routing, headers, response)'],
  [/gateway\/src\/(duplicate-keys|json-body|json-scan)/, 'body read, JSON.parse, duplicate-key scan'],
  [/contract\/src|gateway\/src\/pricing|gateway\/src\/validate-events/, 'validation and pricing'],
  [/gateway\/src\/routes/, 'events route handler'],
  [/gateway\/src\/publish-events/, 'publish: toMessage (as sent or JSON.stringify), publish timer'],
  [
    /kafka\/src\/(batching-producer|coalesce-records|key-partitioner)/,
    'BatchingProducer (coalesce, partition)',
  ],
  [/kafka\/src\/(crc32c|kafkajs)/, 'kafkajs encoding (ours: CRC, Encoder)'],
];

function category(node: ProfileNode): string | undefined {
  const frame = node.callFrame;
  const { url } = frame;
  const f = frame.functionName;
  if (f === '(idle)') return 'idle';
  if (f === '(garbage collector)') return 'GC';
  if (f === '(program)') return 'V8 (program)';
  const ours = sourceOf(frame);
  if (ours) {
    for (const [pattern, name] of OUR_MODULES) if (pattern.test(ours.path)) return name;
    return `gateway other (${ours.path})`;
  }
  if (/prom-client/.test(url)) return 'prom-client (counters, histogram timer)';
  if (/pino/.test(url)) return 'logging (pino)';
  if (/hono\/dist\/middleware\/bearer-auth/.test(url)) return 'auth (bearer token)';
  if (/@hono\/node-server/.test(url) || /node:internal\/deps\/undici/.test(url))
    return '@hono/node-server: Web Request/Response, Headers';
  if (/node_modules\/hono\//.test(url)) return 'hono routing, context, compose';
  if (/kafkajs\/src\/network/.test(url)) return 'kafkajs network (socket write, responses)';
  if (/kafkajs/.test(url)) return 'kafkajs producer, record batch, produce request';
  if (/node_modules\/zod/.test(url)) return 'validation and pricing';
  if (/_http_outgoing|_http_server.*resOnFinish/.test(url) || f === 'resOnFinish')
    return 'node:http response write';
  if (/_http_server|_http_common|_http_incoming/.test(url) || /HTTPParser|parserOn/.test(f))
    return 'node:http parse, request objects';
  if (/node:net$/.test(url) && /onStreamRead|Socket\._read/.test(f)) return 'socket read';
  if (f === 'onStreamRead') return 'socket read';
  return undefined;
}

printByCategory(
  file,
  readCpuProfile(file),
  {
    category,
    uncategorized: (node, caller) => {
      if (caller !== undefined) return caller;
      const f = node.callFrame.functionName;
      return f === 'runMicrotasks' || /processTicks/.test(f) ? 'microtasks, ticks' : 'other';
    },
  },
  52,
);
