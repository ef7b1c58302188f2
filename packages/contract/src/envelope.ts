import { CONTRACT_VERSION } from './spend-event.ts';

/**
 * Topic contract v2: one Kafka record carries an ENVELOPE, a JSON array of v1 events that share a
 * partition. kafkajs' cost is per record (encoding, CRC, copies), so a record of many events lifts
 * the gateway's ceiling; each event inside is exactly a v1 event. Records are told apart by their
 * `contract-version` header: `1` (or no header) is one event, `2` an envelope. Both stay readable.
 */
export const ENVELOPE_VERSION = '2';
export const CONTRACT_VERSION_HEADER = 'contract-version';

/** Joins already-serialised events into an envelope value without re-serialising them. */
export function encodeEnvelope(eventJsons: readonly string[]): string {
  return `[${eventJsons.join(',')}]`;
}

/** One item of a decoded record: its position in the envelope (0 for a v1 record) and its JSON. */
export interface RecordItem {
  index: number;
  value: unknown;
}

export type DecodedRecord = { ok: true; items: RecordItem[] } | { ok: false; error: string };

/**
 * Decodes a record's value by its contract version. A whole-record failure (not JSON, not an array
 * for v2, unknown version) means the record as a whole is poison; a v2 record that is an array
 * yields one item per element, each validated on its own by the caller.
 */
export function decodeRecord(version: string | undefined, text: string): DecodedRecord {
  if (version !== undefined && version !== CONTRACT_VERSION && version !== ENVELOPE_VERSION) {
    return { ok: false, error: `unknown contract-version "${version.slice(0, 16)}"` };
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    // Not V8's message: it quotes the start of the value, and a secret in a malformed record would
    // reach the writer's log and the dead-letter header.
    const position = /at position (\d+)/.exec((error as Error).message)?.[1];
    return {
      ok: false,
      error: position === undefined ? 'not JSON' : `not JSON: syntax error at position ${position}`,
    };
  }
  if (version !== ENVELOPE_VERSION) return { ok: true, items: [{ index: 0, value: json }] };
  if (!Array.isArray(json)) return { ok: false, error: 'a v2 envelope must be a JSON array of events' };
  if (json.length === 0) return { ok: false, error: 'empty envelope' };
  return { ok: true, items: json.map((value, index) => ({ index, value })) };
}

/**
 * encodeEnvelope for values of which some are bytes (events forwarded as they were sent, see
 * isSentInNormalForm): one buffer of the exact size, each value copied into it once.
 */
export function encodeEnvelopeBytes(values: ReadonlyArray<string | Uint8Array>): Buffer {
  let size = values.length + 1; // the brackets and the commas between values
  for (const v of values) size += typeof v === 'string' ? Buffer.byteLength(v) : v.length;
  const out = Buffer.allocUnsafe(size);
  let at = 0;
  out[at++] = 0x5b; // [
  for (let i = 0; i < values.length; i++) {
    if (i > 0) out[at++] = 0x2c; // ,
    const v = values[i] as string | Uint8Array;
    if (typeof v === 'string') at += out.write(v, at);
    else {
      out.set(v, at);
      at += v.length;
    }
  }
  out[at] = 0x5d; // ]
  return out;
}
