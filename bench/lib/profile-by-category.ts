import { readFileSync } from 'node:fs';

export interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
  children?: number[];
}

export interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
}

export const readCpuProfile = (file: string): CpuProfile =>
  JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;

export interface Categorizer {
  /** The category a frame names on its own, if any. */
  category: (node: ProfileNode) => string | undefined;
  /** A frame that names none: given its caller's category (undefined for a root). */
  uncategorized: (node: ProfileNode, caller: string | undefined) => string;
}

/**
 * Prints each category's share of the busy samples of a CPU profile. Each sample goes to the
 * nearest frame, from the leaf up, that names a category, so a native leaf (a Buffer copy, a
 * socket write) counts for whoever called it.
 */
export function printByCategory(file: string, profile: CpuProfile, by: Categorizer, width = 46): void {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const resolved = new Map<number, string>();
  const resolve = (id: number): string => {
    const known = resolved.get(id);
    if (known) return known;
    const node = byId.get(id) as ProfileNode;
    let cat = by.category(node);
    if (!cat) {
      const up = parent.get(id);
      cat = by.uncategorized(node, up === undefined ? undefined : resolve(up));
    }
    resolved.set(id, cat);
    return cat;
  };
  const counts = new Map<string, number>();
  for (const s of profile.samples) {
    const cat = resolve(s);
    counts.set(cat, (counts.get(cat) ?? 0) + 1);
  }
  const total = profile.samples.length;
  const busy = total - (counts.get('idle') ?? 0);
  console.log(`${file}: ${total} samples, ${((busy / total) * 100).toFixed(1)}% busy`);
  console.log(`${'category'.padEnd(width)} % of busy`);
  for (const [name, n] of [...counts].sort((a, b) => b[1] - a[1])) {
    if (name !== 'idle') console.log(`${name.padEnd(width)} ${((n / busy) * 100).toFixed(1).padStart(9)}`);
  }
}
