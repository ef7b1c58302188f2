// `node --import tsx bench/profile-categories.ts FILE.cpuprofile`: a gateway CPU profile (e.g. from
// `npm run bench -- --only gateway --gateway-batches 100 --cpu-prof`) by what the time is spent on.
// Each sample goes to the nearest frame, from the leaf up, that names a category, so a Buffer copy
// counts for kafkajs' Encoder when the Encoder called it and a socket write for whoever wrote.
import { readFileSync } from 'node:fs';
import { type ProfileNode, printByCategory, readCpuProfile } from './lib/profile-by-category.ts';

const file = process.argv[2];
if (!file) throw new Error('usage: bench/profile-categories.ts FILE.cpuprofile');

/** The bundle's anonymous arrow functions take their name from their declaration line. */
const sources = new Map<string, string[]>();
function nameAt(url: string, line: number): string {
  if (!sources.has(url)) sources.set(url, readFileSync(new URL(url), 'utf8').split('\n'));
  const text = sources.get(url)?.[line] ?? '';
  return /(?:var|const|let|function)\s+(\w+)/.exec(text)?.[1] ?? '';
}

/** packages/kafka/src/produce-request.ts (session 7): what replaced most of kafkajs' Encoder work. */
const ONE_PASS = new Set([
  'encodeOnePass',
  'handled',
  'planBatch',
  'planRecord',
  'varLongBytes',
  'byteSize',
  'writeRecord',
  'writeVarIntBytes',
  'writeRaw',
  'writeString',
  'writeVarInt',
  'sizeOfVarInt',
  'writeInt64',
]);

function category(node: ProfileNode): string | undefined {
  const { url, lineNumber } = node.callFrame;
  let f = node.callFrame.functionName;
  if (!f && /dist\/main\.js$/.test(url)) f = nameAt(url, lineNumber);
  if (f === '(idle)') return 'idle';
  if (f === '(garbage collector)') return 'GC';
  if (f === '(program)') return 'V8 (program)';
  if (/recordBatch\/crc32C/.test(url) || f === 'crc32c' || f === 'recordBatchCrc') return 'kafkajs CRC-32C';
  if (ONE_PASS.has(f) && /dist\/main\.js$|produce-request\.ts$/.test(url))
    return 'one-pass produce encoder (ours)';
  if (/kafkajs\/src\/protocol\/encoder\.js/.test(url) || (f === 'Encoder' && /dist\/main\.js$/.test(url)))
    return 'kafkajs Encoder (allocate, copy, varints)';
  if (/kafkajs\/src\/protocol\/message\/compression|lz4|zstd/.test(url) || /compress/i.test(f))
    return 'compression';
  if (/kafkajs\/src\/protocol\/(recordBatch|requests\/produce)/.test(url))
    return 'kafkajs record batch and produce request';
  if (/kafkajs/.test(url)) return 'kafkajs other (network, producer, responses)';
  if (['parseJsonBody', 'scanJson', 'countKeysWithin'].includes(f) || (f === 'parse' && url === ''))
    return 'JSON.parse and body checks';
  if (['encodeEnvelope', 'encodeEnvelopeBytes', 'toMessage', 'sentAsIs', 'stringify'].includes(f))
    return 'JSON.stringify and envelopes';
  if (/coalesceRecords|BatchingProducer|toRecords|createKeyHasher|KeyPartitioner/.test(f))
    return 'batching, coalescing, partitioning';
  if (
    /node_modules\/zod/.test(url) ||
    (/dist\/main\.js$/.test(url) && /validat|fastPath|price|pricer/i.test(f))
  )
    return 'validation and pricing';
  if (/hono|_http_|undici|node:internal\/http/.test(url) || /HTTPParser|parserOnHeaders/.test(f))
    return 'HTTP (node, hono)';
  return undefined;
}

printByCategory(file, readCpuProfile(file), {
  category,
  uncategorized: (node, caller) => {
    const cat = caller ?? 'other';
    return cat === 'other' && /dist\/main\.js$/.test(node.callFrame.url) ? 'gateway code (other)' : cat;
  },
});
