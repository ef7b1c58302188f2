import {
  createLedgerDb,
  type LedgerDb,
  type LedgerDbHandle,
  type LedgerDbOptions,
} from '@spend-ledger/ledger-db';

/** A write attempt that did not settle within its deadline. */
export class WriteTimeoutError extends Error {
  constructor(timeoutMs: number) {
    super(`ledger write did not settle within ${timeoutMs} ms; connection pool replaced`);
    this.name = 'WriteTimeoutError';
  }
}

/**
 * The writer's database pool, replaceable. postgres.js 3.4.9 can leave a query pending for ever
 * after its connection dies at the wrong moment, e.g. a server that closes the socket while starting
 * up (porsager/postgres#1214, #1186). A write that outlives its deadline is abandoned and the whole
 * pool is swapped for a new one, so the next attempt cannot queue behind a dead connection. The
 * abandoned statement is harmless: the write path is one idempotent statement, so if it commits
 * after all, the retry finds its request_ids and adds nothing.
 */
export class LedgerConnection {
  private handle: LedgerDbHandle;

  constructor(
    private readonly url: string,
    private readonly options: LedgerDbOptions,
  ) {
    this.handle = createLedgerDb(url, options);
  }

  get db(): LedgerDb {
    return this.handle.db;
  }

  /** Runs `work` on the current pool; past `timeoutMs` it rejects and replaces the pool. */
  async withDeadline<T>(timeoutMs: number, work: (db: LedgerDb) => Promise<T>): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        this.replace();
        reject(new WriteTimeoutError(timeoutMs));
      }, timeoutMs);
    });
    try {
      return await Promise.race([work(this.handle.db), deadline]);
    } finally {
      clearTimeout(timer);
    }
  }

  private replace(): void {
    const old = this.handle;
    this.handle = createLedgerDb(this.url, this.options);
    // Not awaited: ending a pool with a dead connection can itself hang (porsager/postgres#1097).
    void old.close(0).catch(() => {});
  }

  close(): Promise<void> {
    return this.handle.close();
  }
}
