/**
 * kafkajs' Produce request (v3; v4–v7, which kafkajs negotiates with Kafka 3.x/4.x, wrap it),
 * encoded in one pass: the whole request's size is computed first, one buffer is allocated and
 * every record is written straight into it. kafkajs builds the same bytes from an Encoder per
 * record, header, batch body, batch, partition, topic and request, each copied into the next and
 * each grown by doubling, and then copies the payload twice more to put the request header and
 * size frame in front of it (protocol/request.js): ~17 ms of synchronous event-loop time for a
 * 2.9 MB request (docs/performance.md, "Session 6" and "Session 7"). Here the front of the buffer
 * is left free for that header, so the framing below writes it in place and sends the same buffer.
 *
 * The output is byte for byte kafkajs' own (the unit test compares them with kafkajs as shipped).
 * Anything this encoder does not handle the way kafkajs does by construction goes to kafkajs'
 * original encoder: compression (opt-in here), and keys, values, headers, timestamps or ids of
 * types other than the documented ones (string, Buffer, null; number or string timestamps).
 */

/** kafkajs' 64-bit integer (utils/long.js). */
interface KafkajsLong {
  getHighBits(): number;
  getLowBits(): number;
}

/** kafkajs' Encoder, as far as this module uses it. */
export interface KafkajsEncoder {
  buf: Buffer;
  offset: number;
  readonly buffer: Buffer;
  writeVarLong(value: unknown): KafkajsEncoder;
}

/** A request object as kafkajs' protocol modules return them. */
export interface KafkajsRequest {
  apiKey: number;
  apiVersion: number;
  apiName: string;
  expectResponse?: () => boolean;
  encode: () => Promise<KafkajsEncoder>;
  [ONE_PASS]?: true;
}

export type ProduceRequestFactory = (args: ProduceArgs) => KafkajsRequest;
export type FramingFunction = (args: {
  correlationId: number;
  clientId: string | null;
  request: KafkajsRequest;
}) => Promise<KafkajsEncoder>;

export interface KafkajsParts {
  Encoder: { prototype: KafkajsEncoder; new (initialSize?: number): KafkajsEncoder };
  Long: { fromValue(value: unknown): KafkajsLong; fromInt(value: number): KafkajsLong };
  /** The record batch checksum (CRC-32C), over the batch from its attributes to its end. */
  crc: (bytes: Uint8Array) => number;
  /** kafkajs' CompressionTypes.None. */
  compressionNone: number;
}

interface ProduceArgs {
  acks: number;
  timeout: number;
  transactionalId?: unknown;
  producerId?: unknown;
  producerEpoch?: unknown;
  compression?: unknown;
  topicData: unknown;
}

/** Marks a produce request whose payload may carry room for the framing. */
const ONE_PASS = Symbol('spend-ledger.one-pass-produce');
/** On a payload encoded here: the whole buffer, whose first `start` bytes are free for the framing. */
const FRAME_ROOM = Symbol('spend-ledger.frame-room');

/**
 * Bytes left free in front of the payload: the size frame (4), api key, version and correlation id
 * (8) and the client id (2 + its UTF-8 bytes). 256 fits any client id up to 242 bytes; a longer one
 * is framed by copying, as kafkajs does.
 */
const FRAME_RESERVE = 256;
/** What each record batch holds besides its records: offset, length, epoch, magic, CRC, fields. */
const BATCH_OVERHEAD = 8 + 4 + 4 + 1 + 4 + 2 + 4 + 8 + 8 + 8 + 2 + 4 + 4;
const MAGIC_BYTE = 2;
const TRANSACTIONAL_MASK = 16;

interface PlannedRecord {
  /** Its bytes after the length varint. */
  bodySize: number;
  deltaBytes: number[] | Buffer;
  offsetDelta: number;
  key: string | Buffer | null;
  keySize: number;
  value: string | Buffer | null;
  valueSize: number;
  /** Header key, its size, value, its size, ... */
  headers: (string | Buffer | number)[];
}

interface PlannedBatch {
  partition: number;
  firstSequence: unknown;
  firstTimestamp: unknown;
  maxTimestamp: unknown;
  /** From the attributes to the end of the last record (what the CRC covers). */
  bodySize: number;
  records: PlannedRecord[];
}

interface PlannedTopic {
  topic: string;
  topicSize: number;
  batches: PlannedBatch[];
}

type Message = { key?: unknown; value?: unknown; headers?: unknown; timestamp?: unknown };
type Partition = { partition: number; firstSequence?: unknown; messages: Message[] };
type Topic = { topic: string; partitions: Partition[] };

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;
const isBytes = (v: unknown): v is string | Buffer => typeof v === 'string' || Buffer.isBuffer(v);
const isNullableBytes = (v: unknown) => v == null || isBytes(v);

/** Whether kafkajs' own encoding of these values is what the one pass reproduces. */
function handled(args: ProduceArgs, compressionNone: number): boolean {
  const { compression, transactionalId, topicData } = args;
  if (compression !== undefined && compression !== compressionNone) return false;
  if (transactionalId != null && typeof transactionalId !== 'string') return false;
  if (!Array.isArray(topicData)) return false;
  for (const t of topicData as unknown[]) {
    if (!isObject(t) || typeof t.topic !== 'string' || !Array.isArray(t.partitions)) return false;
    for (const p of t.partitions as unknown[]) {
      if (!isObject(p) || !Array.isArray(p.messages)) return false;
      for (const m of p.messages as unknown[]) {
        if (!isObject(m) || !isNullableBytes(m.key) || !isNullableBytes(m.value)) return false;
        const ts = m.timestamp;
        if (ts != null && typeof ts !== 'number' && typeof ts !== 'string') return false;
        const headers = m.headers;
        if (headers === undefined) continue;
        if (!isObject(headers)) return false;
        for (const k of Object.keys(headers)) {
          const v = headers[k];
          if (Array.isArray(v) ? !v.every(isBytes) : !isBytes(v)) return false;
        }
      }
    }
  }
  return true;
}

/** Encoder.sizeOfVarInt: zigzag, then 7 bits a byte, as a 32-bit integer. */
function sizeOfVarInt(value: number): number {
  let z = (value << 1) ^ (value >> 31);
  let bytes = 1;
  while ((z & 0xffffff80) !== 0) {
    bytes++;
    z >>>= 7;
  }
  return bytes;
}

function writeVarInt(buf: Buffer, offset: number, value: number): number {
  let z = (value << 1) ^ (value >> 31);
  let o = offset;
  while ((z & 0xffffff80) !== 0) {
    buf[o++] = (z & 0x7f) | 0x80;
    z >>>= 7;
  }
  buf[o++] = z & 0x7f;
  return o;
}

/** Below this a varlong's zigzag value is an exact double: timestamp deltas always are. */
const SMALL_LONG = 2 ** 40;

/** Encoder.writeVarLong's bytes; kafkajs' own for what is not a small integer (it may throw as it does). */
function varLongBytes(value: number, Encoder: KafkajsParts['Encoder']): number[] | Buffer {
  if (!Number.isInteger(value) || value < -SMALL_LONG || value > SMALL_LONG) {
    return new Encoder().writeVarLong(value).buffer;
  }
  let z = value >= 0 ? value * 2 : -value * 2 - 1;
  const bytes: number[] = [];
  while (z >= 0x80) {
    bytes.push((z % 0x80) | 0x80);
    z = Math.floor(z / 0x80);
  }
  bytes.push(z);
  return bytes;
}

const byteSize = (v: string | Buffer) => (typeof v === 'string' ? Buffer.byteLength(v, 'utf8') : v.length);
/** Size of Encoder.writeVarIntBytes(v) for a value of `size` bytes (-1: null). */
const sizeOfVarIntBytes = (size: number) => (size < 0 ? sizeOfVarInt(-1) : sizeOfVarInt(size) + size);

/** Writes a string or Buffer of `size` bytes (already measured) at `offset`. */
function writeRaw(buf: Buffer, offset: number, v: string | Buffer, size: number): number {
  if (typeof v === 'string') buf.write(v, offset, size, 'utf8');
  else v.copy(buf, offset);
  return offset + size;
}

function writeVarIntBytes(buf: Buffer, offset: number, v: string | Buffer | null, size: number): number {
  if (v === null) return writeVarInt(buf, offset, -1);
  return writeRaw(buf, writeVarInt(buf, offset, size), v, size);
}

/** Encoder.writeString: INT16 length (-1 for null), then UTF-8. */
function writeString(buf: Buffer, offset: number, v: string | null, size: number): number {
  if (v === null) {
    buf.writeInt16BE(-1, offset);
    return offset + 2;
  }
  buf.writeInt16BE(size, offset);
  return writeRaw(buf, offset + 2, v, size);
}

function writeInt64(buf: Buffer, offset: number, long: KafkajsLong): number {
  buf.writeInt32BE(long.getHighBits(), offset);
  buf.writeInt32BE(long.getLowBits(), offset + 4);
  return offset + 8;
}

/** One record as kafkajs' recordBatch/record/v0 lays it out, its sizes measured once. */
function planRecord(message: Message, offsetDelta: number, timestampDelta: number, parts: KafkajsParts) {
  const key = (message.key ?? null) as string | Buffer | null;
  const value = (message.value ?? null) as string | Buffer | null;
  const keySize = key === null ? -1 : byteSize(key);
  const valueSize = value === null ? -1 : byteSize(value);
  const headers: (string | Buffer | number)[] = [];
  let headersSize = 0;
  let headerCount = 0;
  const given = (message.headers ?? {}) as Record<string, string | Buffer | (string | Buffer)[]>;
  for (const name of Object.keys(given)) {
    const v = given[name] as string | Buffer | (string | Buffer)[];
    for (const one of Array.isArray(v) ? v : [v]) {
      const nameSize = Buffer.byteLength(name, 'utf8');
      const oneSize = byteSize(one);
      headers.push(name, nameSize, one, oneSize);
      headersSize += sizeOfVarInt(nameSize) + nameSize + sizeOfVarInt(oneSize) + oneSize;
      headerCount++;
    }
  }
  const deltaBytes = varLongBytes(timestampDelta, parts.Encoder);
  const bodySize =
    1 +
    deltaBytes.length +
    sizeOfVarInt(offsetDelta) +
    sizeOfVarIntBytes(keySize) +
    sizeOfVarIntBytes(valueSize) +
    sizeOfVarInt(headerCount) +
    headersSize;
  return { bodySize, deltaBytes, offsetDelta, key, keySize, value, valueSize, headers };
}

/** One partition's batch: timestamps exactly as kafkajs' produce v3 derives them. */
function planBatch(p: Partition, parts: KafkajsParts): PlannedBatch {
  const { messages } = p;
  const dateNow = Date.now();
  let firstTimestamp: unknown = dateNow;
  let maxTimestamp: unknown = dateNow;
  let deltaOf = (_m: Message) => 0;
  if (messages.some((m) => m.timestamp != null)) {
    // kafkajs sorts them as strings (Array.prototype.sort's default); so does this, to agree.
    const timestamps = messages
      .map((m) => m.timestamp)
      .filter((t) => t != null)
      .sort();
    const first = timestamps[0] as number;
    firstTimestamp = first;
    maxTimestamp = timestamps[timestamps.length - 1];
    deltaOf = (m) => ((m.timestamp || dateNow) as number) - first;
  }
  let bodySize = BATCH_OVERHEAD - 21; // from the attributes on
  const records = messages.map((m, i) => {
    const r = planRecord(m, i, deltaOf(m), parts);
    bodySize += sizeOfVarInt(r.bodySize) + r.bodySize;
    return r;
  });
  return {
    partition: p.partition,
    firstSequence: p.firstSequence,
    firstTimestamp,
    maxTimestamp,
    bodySize,
    records,
  };
}

function writeRecord(buf: Buffer, offset: number, r: PlannedRecord): number {
  let o = writeVarInt(buf, offset, r.bodySize);
  buf[o++] = 0; // attributes: none
  for (const b of r.deltaBytes) buf[o++] = b;
  o = writeVarInt(buf, o, r.offsetDelta);
  o = writeVarIntBytes(buf, o, r.key, r.keySize);
  o = writeVarIntBytes(buf, o, r.value, r.valueSize);
  const h = r.headers;
  o = writeVarInt(buf, o, h.length / 4);
  for (let i = 0; i < h.length; i += 4) {
    o = writeVarIntBytes(buf, o, h[i] as string, h[i + 1] as number);
    o = writeVarIntBytes(buf, o, h[i + 2] as string | Buffer, h[i + 3] as number);
  }
  return o;
}

/** The payload in one buffer, FRAME_RESERVE bytes in; undefined if kafkajs must encode it. */
function encodeOnePass(args: ProduceArgs, parts: KafkajsParts): KafkajsEncoder | undefined {
  if (!handled(args, parts.compressionNone)) return undefined;
  const { acks, timeout, topicData } = args;
  const transactionalId = (args.transactionalId ?? null) as string | null;
  const producerId = parts.Long.fromValue(
    args.producerId === undefined ? parts.Long.fromInt(-1) : args.producerId,
  );
  const producerEpoch = args.producerEpoch === undefined ? 0 : args.producerEpoch;
  const attributes = transactionalId ? TRANSACTIONAL_MASK : 0; // compression none, CREATE_TIME

  const idSize = transactionalId === null ? 0 : Buffer.byteLength(transactionalId, 'utf8');
  let size = 2 + idSize + 2 + 4 + 4;
  const topics: PlannedTopic[] = (topicData as Topic[]).map((t) => {
    const topicSize = Buffer.byteLength(t.topic, 'utf8');
    size += 2 + topicSize + 4;
    const batches = t.partitions.map((p) => {
      const batch = planBatch(p, parts);
      size += 4 + 4 + 21 + batch.bodySize;
      return batch;
    });
    return { topic: t.topic, topicSize, batches };
  });

  const whole = Buffer.allocUnsafe(FRAME_RESERVE + size);
  let o = writeString(whole, FRAME_RESERVE, transactionalId, idSize);
  whole.writeInt16BE(acks, o);
  whole.writeInt32BE(timeout, o + 2);
  whole.writeInt32BE(topics.length, o + 6);
  o += 10;
  for (const t of topics) {
    o = writeString(whole, o, t.topic, t.topicSize);
    whole.writeInt32BE(t.batches.length, o);
    o += 4;
    for (const b of t.batches) {
      whole.writeInt32BE(b.partition, o);
      whole.writeInt32BE(8 + 4 + 9 + b.bodySize, o + 4); // the record batch's size, as kafkajs frames it
      whole.writeInt32BE(0, o + 8); // first offset (int64 0)
      whole.writeInt32BE(0, o + 12);
      whole.writeInt32BE(9 + b.bodySize, o + 16); // batch length
      whole.writeInt32BE(0, o + 20); // partition leader epoch
      whole.writeInt8(MAGIC_BYTE, o + 24);
      const crcAt = o + 25;
      const bodyStart = o + 29;
      o = bodyStart;
      whole.writeInt16BE(attributes, o);
      whole.writeInt32BE(b.records.length - 1, o + 2); // last offset delta
      o = writeInt64(whole, o + 6, parts.Long.fromValue(b.firstTimestamp));
      o = writeInt64(whole, o, parts.Long.fromValue(b.maxTimestamp));
      o = writeInt64(whole, o, producerId);
      whole.writeInt16BE(producerEpoch as number, o);
      whole.writeInt32BE((b.firstSequence === undefined ? 0 : b.firstSequence) as number, o + 2);
      whole.writeInt32BE(b.records.length, o + 6);
      o += 10;
      for (const r of b.records) o = writeRecord(whole, o, r);
      whole.writeUInt32BE(parts.crc(whole.subarray(bodyStart, o)), crcAt);
    }
  }
  if (o !== whole.length) throw new Error(`one-pass produce encoding: wrote ${o} of ${whole.length} bytes`);

  // kafkajs' Encoder in all but construction: every consumer of a payload reads `buf`/`buffer`.
  const payload = Object.create(parts.Encoder.prototype) as KafkajsEncoder & { [FRAME_ROOM]?: Buffer };
  payload.buf = whole.subarray(FRAME_RESERVE);
  payload.offset = size;
  payload[FRAME_ROOM] = whole;
  return payload;
}

/** Counts, for the tests: requests encoded here and those handed to kafkajs' own encoder. */
export const oneProduceEncoding = { onePass: 0, kafkajs: 0, framedInPlace: 0 };

/** kafkajs' produce/v3/request.js with the one-pass encoder; `original` is kafkajs' own module. */
export function oneProduceRequest(
  original: ProduceRequestFactory,
  parts: KafkajsParts,
): ProduceRequestFactory {
  return (args) => {
    const request = original(args);
    const kafkajsEncode = request.encode;
    request.encode = async () => {
      const payload = encodeOnePass(args, parts);
      if (payload) {
        oneProduceEncoding.onePass++;
        return payload;
      }
      oneProduceEncoding.kafkajs++;
      return kafkajsEncode();
    };
    request[ONE_PASS] = true;
    return request;
  };
}

/**
 * kafkajs' protocol/request.js: the size frame and request header, written in the room a one-pass
 * payload leaves in front of itself; every other request goes to `original` unchanged.
 */
export function framingInPlace(
  original: FramingFunction,
  parts: Pick<KafkajsParts, 'Encoder'>,
): FramingFunction {
  return async (args) => {
    const { correlationId, clientId, request } = args;
    if (request[ONE_PASS] !== true) return original(args);
    const payload = (await request.encode()) as KafkajsEncoder & { [FRAME_ROOM]?: Buffer };
    const whole = payload[FRAME_ROOM];
    const idSize =
      clientId === null || clientId === undefined
        ? 0
        : typeof clientId === 'string'
          ? Buffer.byteLength(clientId, 'utf8')
          : Number.NaN;
    const prefix = 4 + 2 + 2 + 4 + 2 + idSize;
    if (whole === undefined || !(prefix <= FRAME_RESERVE)) {
      return original({ correlationId, clientId, request: { ...request, encode: async () => payload } });
    }
    const start = FRAME_RESERVE - prefix;
    whole.writeInt32BE(prefix - 4 + payload.offset, start);
    whole.writeInt16BE(request.apiKey, start + 4);
    whole.writeInt16BE(request.apiVersion, start + 6);
    whole.writeInt32BE(correlationId, start + 8);
    writeString(whole, start + 12, clientId ?? null, idSize);
    const framed = Object.create(parts.Encoder.prototype) as KafkajsEncoder;
    framed.buf = whole.subarray(start);
    framed.offset = framed.buf.length;
    oneProduceEncoding.framedInPlace++;
    return framed;
  };
}
