/** A recent event whose request_id came back with other content, and the digest first seen. */
export interface RecentConflict<E> {
  event: E;
  keptDigest: string;
}

/**
 * The request_ids a writer recently handed to the ledger, bounded (oldest forgotten first), each
 * with the digest of its content when known. Retries repeat a request_id soon after the original,
 * and the topic is keyed by api key, so the copy usually reaches the writer that wrote the original.
 * Dropping it before a window is prepared keeps the write on its fast path: the one-statement write
 * rolls back and retries when any request_id is already in the ledger. Only an optimisation: the
 * ledger's guard remains the authority, so forgetting an id (or a rebalance) can cost a retry, never
 * a double count. A copy with another digest is not counted either, but is handed back as a conflict
 * so that the write path records it (request_id_conflicts) instead of dropping it without a trace.
 */
export class RecentRequestIds {
  /** request_id → digest of its content ('' when added without one). */
  private readonly ids = new Map<string, string>();
  private readonly ring: (string | undefined)[];
  private next = 0;

  constructor(readonly capacity: number) {
    this.ring = new Array(capacity);
  }

  has(id: string): boolean {
    return this.ids.has(id);
  }

  add(id: string, digest = ''): void {
    if (this.capacity === 0 || this.ids.has(id)) return;
    const evicted = this.ring[this.next];
    if (evicted !== undefined) this.ids.delete(evicted);
    this.ring[this.next] = id;
    this.ids.set(id, digest);
    this.next = (this.next + 1) % this.capacity;
  }

  /** The events whose request_id it has not seen, which it now remembers. */
  keepUnseen<E extends { request_id: string }>(events: readonly E[]): E[] {
    return this.splitUnseen(events).unseen;
  }

  /**
   * The events whose request_id it has not seen (now remembered with their digest), and the seen
   * ones whose digest differs from the one remembered: conflicts, not redeliveries.
   */
  splitUnseen<E extends { request_id: string }>(
    events: readonly E[],
    digestOf?: (event: E) => string,
  ): { unseen: E[]; conflicts: RecentConflict<E>[] } {
    const unseen: E[] = [];
    const conflicts: RecentConflict<E>[] = [];
    for (const event of events) {
      const kept = this.ids.get(event.request_id);
      if (kept === undefined) {
        unseen.push(event);
        continue;
      }
      if (!digestOf || kept === '') continue;
      const digest = digestOf(event);
      if (digest !== kept) conflicts.push({ event, keptDigest: kept });
    }
    for (const e of unseen) this.add(e.request_id, digestOf ? digestOf(e) : '');
    return { unseen, conflicts };
  }

  get size(): number {
    return this.ids.size;
  }
}
