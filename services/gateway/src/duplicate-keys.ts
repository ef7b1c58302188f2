/**
 * Duplicate member names in a JSON text. JSON.parse keeps the last of them silently, so
 * `{"spend":"1","spend":"99"}` would be read as 99 while a log or another parser reads 1. Refusing
 * them costs one pass over the bytes per body: `scanJson` (json-scan.ts) counts the members the text
 * has, json-body's walk the keys the parsed value kept; only when they differ does `findDuplicateKey`
 * tokenize the text to name the key.
 */

type Frame =
  | { kind: 'object'; keys: Set<string>; key: string | undefined; expectKey: boolean }
  | { kind: 'array'; index: number };

/**
 * The path (`[1, "metadata", "k"]`) of the first member whose name repeats one before it in the
 * same object, names compared after unescaping (`"a"` and `"\u0061"` are one key); undefined if
 * none. The text must be valid JSON (parse it first).
 */
export function findDuplicateKey(text: string): Array<string | number> | undefined {
  const frames: Frame[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    const top = frames[frames.length - 1];
    if (c === 123 /* { */) frames.push({ kind: 'object', keys: new Set(), key: undefined, expectKey: true });
    else if (c === 91 /* [ */) frames.push({ kind: 'array', index: 0 });
    else if (c === 125 /* } */ || c === 93 /* ] */) frames.pop();
    else if (c === 44 /* , */ && top) {
      if (top.kind === 'array') top.index++;
      else top.expectKey = true;
    } else if (c === 34 /* " */) {
      const start = i + 1;
      let escaped = false;
      for (i = start; i < text.length; i++) {
        const d = text.charCodeAt(i);
        if (d === 34) break;
        if (d === 92) {
          escaped = true;
          i++;
        }
      }
      if (top?.kind !== 'object' || !top.expectKey) continue;
      const raw = text.slice(start, i);
      const name = escaped ? (JSON.parse(`"${raw}"`) as string) : raw;
      top.expectKey = false;
      if (top.keys.has(name)) {
        const path = frames.slice(0, -1).map((f) => (f.kind === 'array' ? f.index : (f.key as string)));
        return [...path, name];
      }
      top.keys.add(name);
      top.key = name;
    }
  }
  return undefined;
}
