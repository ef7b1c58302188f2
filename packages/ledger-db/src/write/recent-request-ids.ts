/** A recent event whose request_id came back with other content, and the digest first seen. */
export interface RecentConflict<E> {
  event: E;
  keptDigest: string;
}

/** Bytes of a digest as content-digest.ts makes it (32 hex digits), kept per slot. */
const DIGEST_BYTES = 16;
const HEX_DIGEST = /^[0-9a-f]{32}$/;

/**
 * The request_ids a writer recently handed to the ledger, bounded (oldest forgotten first), each
 * with the digest of its content when known. Retries repeat a request_id soon after the original,
 * and the topic is keyed by api key, so the copy usually reaches the writer that wrote the original.
 * Dropping it before a window is prepared keeps the write on its fast path: the one-statement write
 * rolls back and retries when any request_id is already in the ledger. Only an optimisation: the
 * ledger's guard remains the authority, so forgetting an id (or a rebalance) can cost a retry, never
 * a double count. A copy with another digest is not counted either, but is handed back as a conflict
 * so that the write path records it (request_id_conflicts) instead of dropping it without a trace.
 *
 * Memory: at the default 200,000 ids this is the writer's biggest long-lived structure, so each
 * slot keeps only the id string and its digest as 16 raw bytes in one preallocated buffer (a
 * digest string per id cost 48–100 bytes more: about 46 MB of heap at 200,000 ids before,
 * about 22 MB now; docs/performance.md, "Session 5: writer memory").
 */
export class RecentRequestIds {
  /** request_id → its slot in the ring. */
  private readonly slots = new Map<string, number>();
  private readonly ring: (string | undefined)[];
  /** Each slot's digest, DIGEST_BYTES per slot; valid where `hasDigest` is 1. */
  private readonly digests: Buffer;
  private readonly hasDigest: Uint8Array;
  private next = 0;

  constructor(readonly capacity: number) {
    this.ring = new Array(capacity);
    this.digests = Buffer.alloc(capacity * DIGEST_BYTES);
    this.hasDigest = new Uint8Array(capacity);
  }

  has(id: string): boolean {
    return this.slots.has(id);
  }

  /**
   * Remembers `id` with the digest of its content: 32 hex digits (content-digest.ts), or '' when
   * unknown (a later copy is then taken for a redelivery).
   */
  add(id: string, digest = ''): void {
    if (this.capacity === 0 || this.slots.has(id)) return;
    if (digest !== '' && !HEX_DIGEST.test(digest))
      throw new Error(`a digest must be 32 lower-case hex digits, got ${JSON.stringify(digest)}`);
    const slot = this.next;
    const evicted = this.ring[slot];
    if (evicted !== undefined) this.slots.delete(evicted);
    this.ring[slot] = id;
    this.slots.set(id, slot);
    if (digest === '') this.hasDigest[slot] = 0;
    else {
      this.digests.write(digest, slot * DIGEST_BYTES, DIGEST_BYTES, 'hex');
      this.hasDigest[slot] = 1;
    }
    this.next = (slot + 1) % this.capacity;
  }

  /** The digest remembered for `id`: '' when it was added without one, undefined when not known. */
  digestOf(id: string): string | undefined {
    const slot = this.slots.get(id);
    if (slot === undefined) return undefined;
    if (this.hasDigest[slot] === 0) return '';
    return this.digests.toString('hex', slot * DIGEST_BYTES, (slot + 1) * DIGEST_BYTES);
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
      const kept = this.digestOf(event.request_id);
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
    return this.slots.size;
  }
}
