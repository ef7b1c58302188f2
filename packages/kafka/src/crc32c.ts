/**
 * CRC-32C (Castagnoli, reflected polynomial 0x82F63B78), the checksum of every Kafka record batch
 * (magic v2). kafkajs computes it one byte per table look-up, about 66 MB/s on this project's
 * machine, over every byte the producer sends; "slicing by 16" (16 tables, 16 bytes per step)
 * gives the same value with a sixteenth of the loop iterations and without a dependency.
 */

const POLY = 0x82f63b78;
const SLICES = 16;

/** TABLE[k * 256 + b]: the CRC of byte b followed by k zero bytes, as in "slicing by N". */
const TABLE = (() => {
  const t = new Int32Array(SLICES * 256);
  for (let b = 0; b < 256; b++) {
    let c = b;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ POLY : c >>> 1;
    t[b] = c;
  }
  for (let b = 0; b < 256; b++) {
    for (let k = 1; k < SLICES; k++) {
      const prev = t[(k - 1) * 256 + b] as number;
      t[k * 256 + b] = (prev >>> 8) ^ (t[prev & 0xff] as number);
    }
  }
  return t;
})();

/**
 * CRC-32C of `bytes`, unsigned. `initial` continues an earlier CRC (the value it returned), so
 * crc32c(b, crc32c(a)) equals crc32c(a ++ b).
 */
export function crc32c(bytes: Uint8Array, initial = 0): number {
  const t = TABLE;
  let crc = ~initial;
  let i = 0;
  const n = bytes.length;
  const end16 = n - (n % 16);
  while (i < end16) {
    const a = crc ^ (bytes[i]! | (bytes[i + 1]! << 8) | (bytes[i + 2]! << 16) | (bytes[i + 3]! << 24));
    crc =
      t[3840 + (a & 0xff)]! ^
      t[3584 + ((a >>> 8) & 0xff)]! ^
      t[3328 + ((a >>> 16) & 0xff)]! ^
      t[3072 + (a >>> 24)]! ^
      t[2816 + bytes[i + 4]!]! ^
      t[2560 + bytes[i + 5]!]! ^
      t[2304 + bytes[i + 6]!]! ^
      t[2048 + bytes[i + 7]!]! ^
      t[1792 + bytes[i + 8]!]! ^
      t[1536 + bytes[i + 9]!]! ^
      t[1280 + bytes[i + 10]!]! ^
      t[1024 + bytes[i + 11]!]! ^
      t[768 + bytes[i + 12]!]! ^
      t[512 + bytes[i + 13]!]! ^
      t[256 + bytes[i + 14]!]! ^
      t[bytes[i + 15]!]!;
    i += 16;
  }
  while (i < n) {
    crc = t[(crc ^ bytes[i]!) & 0xff]! ^ (crc >>> 8);
    i++;
  }
  return ~crc >>> 0;
}
