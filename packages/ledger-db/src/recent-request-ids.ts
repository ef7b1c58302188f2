/**
 * The request_ids a writer recently handed to the ledger, bounded (oldest forgotten first).
 * Retries repeat a request_id soon after the original, and the topic is keyed by api key, so the
 * copy usually reaches the writer that wrote the original. Dropping it before a window is prepared
 * keeps the write on its fast path: the one-statement write rolls back and retries when any
 * request_id is already in the ledger. Only an optimisation: the ledger's guard remains the
 * authority, so forgetting an id (or a rebalance) can cost a retry, never a double count.
 */
export class RecentRequestIds {
  private readonly ids = new Set<string>();
  private readonly ring: (string | undefined)[];
  private next = 0;

  constructor(readonly capacity: number) {
    this.ring = new Array(capacity);
  }

  has(id: string): boolean {
    return this.ids.has(id);
  }

  add(id: string): void {
    if (this.capacity === 0 || this.ids.has(id)) return;
    const evicted = this.ring[this.next];
    if (evicted !== undefined) this.ids.delete(evicted);
    this.ring[this.next] = id;
    this.ids.add(id);
    this.next = (this.next + 1) % this.capacity;
  }

  /** The events whose request_id it has not seen, which it now remembers. */
  keepUnseen<E extends { request_id: string }>(events: readonly E[]): E[] {
    const unseen = events.filter((e) => !this.ids.has(e.request_id));
    for (const e of unseen) this.add(e.request_id);
    return unseen;
  }

  get size(): number {
    return this.ids.size;
  }
}
