/**
 * One pass over the bytes of a JSON text that is valid or about to be parsed (UTF-8 continuation
 * bytes never look like ASCII brackets, quotes or colons). It returns the number of members (colons
 * outside strings: each member has exactly one), which json-body compares with the keys JSON.parse
 * kept to find repeated names, or -1 as soon as nesting exceeds `maxDepth`. With `elements` it also
 * pushes the byte range (start, end) of each top-level value: every element of a top-level array,
 * or a top-level object whole. The events route forwards those bytes instead of re-serialising an
 * event that is already in normal form. About 1 ns per byte: it only branches on structure.
 */
export function scanJson(
  bytes: Uint8Array,
  maxDepth = Number.POSITIVE_INFINITY,
  elements?: number[],
): number {
  let members = 0;
  let depth = 0;
  let start = 0;
  let inTopArray = false;
  const n = bytes.length;
  for (let i = 0; i < n; i++) {
    const c = bytes[i] as number;
    if (c === 34 /* " */) {
      // To the closing quote, skipping escaped characters.
      for (i++; i < n; i++) {
        const d = bytes[i] as number;
        if (d === 34) break;
        if (d === 92 /* \ */) i++;
      }
    } else if (c === 58 /* : */) members++;
    else if (c === 123 /* { */ || c === 91 /* [ */) {
      if (++depth > maxDepth) return -1;
      if (depth === 1 && elements) {
        inTopArray = c === 91;
        start = inTopArray ? skipWhitespace(bytes, i + 1) : i;
      }
    } else if (c === 125 /* } */ || c === 93 /* ] */) {
      if (depth === 1 && elements) {
        if (inTopArray) pushTrimmed(bytes, elements, start, i);
        else elements.push(start, i + 1);
      }
      depth--;
    } else if (c === 44 /* , */ && depth === 1 && inTopArray && elements) {
      pushTrimmed(bytes, elements, start, i);
      start = skipWhitespace(bytes, i + 1);
    }
  }
  return members;
}

const isWhitespace = (c: number) => c === 32 || c === 10 || c === 13 || c === 9;

function skipWhitespace(bytes: Uint8Array, i: number): number {
  while (i < bytes.length && isWhitespace(bytes[i] as number)) i++;
  return i;
}

function pushTrimmed(bytes: Uint8Array, elements: number[], start: number, end: number): void {
  while (end > start && isWhitespace(bytes[end - 1] as number)) end--;
  if (end > start) elements.push(start, end);
}
