import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}

interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
}

export interface ProfileSummary {
  file: string;
  seconds: number;
  /** Self time per area (library or our package), percent of all samples. */
  byArea: Array<{ area: string; pct: number }>;
  /** Hottest functions by self time, percent of all samples. */
  topFunctions: Array<{ fn: string; pct: number }>;
}

/** Groups a frame into an area a reader can act on: a dependency, one of our packages, or V8. */
function areaOf(url: string, fn: string): string {
  if (!url) return fn.startsWith('(') ? fn : '(native)';
  const dep = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (dep) return dep[1] as string;
  const ours = /\/(packages|services)\/([^/]+)\/src\/(.+)$/.exec(url);
  if (ours) return `${ours[2]}/${ours[3]}`;
  if (url.startsWith('node:')) return url;
  return url.split('/').slice(-2).join('/');
}

/** A path short enough for a table but precise enough to open: package + file inside it. */
function shortPath(url: string): string {
  const dep = /node_modules\/((?:@[^/]+\/)?[^/]+)\/(.+)$/.exec(url);
  if (dep) return `${dep[1]}/${(dep[2] as string).split('/').slice(-2).join('/')}`;
  return url.replace(/^file:\/\/.*?\/(packages|services|bench)\//, '$1/');
}

/** Reads the newest .cpuprofile in `dir` and sums self time by area and by function. */
export function summarizeNewestProfile(dir: string, top = 15): ProfileSummary | undefined {
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.cpuprofile'))
    .map((f) => join(dir, f))
    .sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs);
  const file = files[0];
  if (!file) return undefined;
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const hits = new Map<number, number>();
  for (const id of profile.samples) hits.set(id, (hits.get(id) ?? 0) + 1);
  const total = profile.samples.length || 1;
  const areas = new Map<string, number>();
  const fns = new Map<string, number>();
  for (const node of profile.nodes) {
    const n = hits.get(node.id) ?? 0;
    if (n === 0) continue;
    const { functionName, url, lineNumber } = node.callFrame;
    const area = areaOf(url, functionName);
    areas.set(area, (areas.get(area) ?? 0) + n);
    const fn = `${functionName || '(anonymous)'} ${url ? `${shortPath(url)}:${lineNumber + 1}` : ''}`;
    fns.set(fn, (fns.get(fn) ?? 0) + n);
  }
  const pct = (n: number) => Math.round((n / total) * 1000) / 10;
  const ranked = (m: Map<string, number>) => [...m.entries()].sort((a, b) => b[1] - a[1]).slice(0, top);
  return {
    file,
    seconds: Math.round((profile.endTime - profile.startTime) / 1e5) / 10,
    byArea: ranked(areas).map(([area, n]) => ({ area, pct: pct(n) })),
    topFunctions: ranked(fns).map(([fn, n]) => ({ fn, pct: pct(n) })),
  };
}
