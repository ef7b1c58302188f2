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
