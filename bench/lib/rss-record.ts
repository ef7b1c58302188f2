import type { ChildService } from './child-service.ts';
import { type MemoryBreakdown, scrapeMemory } from './scrape-metrics.ts';

export interface RssRecord extends MemoryBreakdown {
  service: string;
  run: string;
  /** Peak resident set (VmHWM), MB. */
  mb: number | undefined;
}

/** Peak RSS of a live service plus its heap/external split right now; call before stopping it. */
export async function recordRss(service: string, run: string, child: ChildService): Promise<RssRecord> {
  return { service, run, mb: child.peakRssMb(), ...(await scrapeMemory(child.opsUrl)) };
}
