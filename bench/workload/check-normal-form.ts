import { isDeepStrictEqual } from 'node:util';
import { type SpendEvent, SpendEventSchema } from '@spend-ledger/contract';

/**
 * The generator claims its events are already in the contract's normal form (what the gateway would
 * put on the topic). Checked on a sample every run, so a contract change cannot silently make the
 * preloaded topic differ from real traffic.
 */
export function assertNormalForm(events: readonly SpendEvent[]): void {
  for (const event of events) {
    const parsed = SpendEventSchema.parse(event);
    if (!isDeepStrictEqual(parsed, event) || JSON.stringify(parsed) !== JSON.stringify(event)) {
      throw new Error(
        `generated event is not in normal form:\n${JSON.stringify(event)}\n${JSON.stringify(parsed)}`,
      );
    }
  }
}
