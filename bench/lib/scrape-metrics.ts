/**
 * Reads a service's Prometheus text and sums each named series over its labels: enough for the
 * bench's own questions (how many batches, how long each took) without a parser dependency.
 */
export async function scrapeMetrics(
  baseUrl: string,
  names: readonly string[],
): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  let text = '';
  try {
    text = await (await fetch(`${baseUrl}/metrics`)).text();
  } catch {
    return out;
  }
  for (const line of text.split('\n')) {
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{[^}]*\})?\s+(\S+)/.exec(line);
    if (!m || !names.includes(m[1] as string)) continue;
    out[m[1] as string] = (out[m[1] as string] ?? 0) + Number(m[2]);
  }
  return out;
}

export interface MemoryBreakdown {
  /** V8 heap committed, MB. */
  heapMb?: number;
  /** Memory outside the V8 heap held by JS objects (Buffers), MB. */
  externalMb?: number;
}

/** A service's memory composition at this moment, from prom-client's default Node metrics. */
export async function scrapeMemory(baseUrl: string): Promise<MemoryBreakdown> {
  const m = await scrapeMetrics(baseUrl, ['nodejs_heap_size_total_bytes', 'nodejs_external_memory_bytes']);
  const mb = (v: number | undefined) => (v === undefined ? undefined : Math.round(v / 2 ** 20));
  return { heapMb: mb(m.nodejs_heap_size_total_bytes), externalMb: mb(m.nodejs_external_memory_bytes) };
}
