/**
 * JSON as text with what JSON.stringify cannot write: numbers such as -0 or 1e400 verbatim, objects
 * with duplicate keys, and fragments that are not JSON at all.
 */
export type Json = null | boolean | number | string | Raw | Entries | Json[];

/** Text put into the document verbatim. */
export class Raw {
  constructor(readonly text: string) {}
}

/** An object as a list of entries, so a key may appear twice. */
export class Entries {
  constructor(readonly entries: ReadonlyArray<readonly [string, Json]>) {}

  static of(record: Record<string, unknown>): Entries {
    return new Entries(Object.entries(record).map(([k, v]) => [k, v as Json]));
  }

  get(key: string): Json | undefined {
    return this.entries.findLast(([k]) => k === key)?.[1];
  }
}

export function toJsonText(value: Json): string {
  if (value instanceof Raw) return value.text;
  if (value instanceof Entries) {
    return `{${value.entries.map(([k, v]) => `${JSON.stringify(k)}:${toJsonText(v)}`).join(',')}}`;
  }
  if (Array.isArray(value)) return `[${value.map(toJsonText).join(',')}]`;
  return JSON.stringify(value) ?? 'null';
}
