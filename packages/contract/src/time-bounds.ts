/**
 * The instants the ledger holds: [2000-01-01, 2200-01-01) UTC. Outside this window a date is a bug
 * at the sender, and year 0000 would pass the RFC 3339 check but be refused by Postgres, which
 * would wedge the writer on that batch for ever (events) or answer 500 (queries). The query API
 * refuses dates and instants outside it with a 400 naming the field.
 */
export const EARLIEST_INSTANT_MS = Date.UTC(2000, 0, 1);
/** Exclusive. */
export const LATEST_INSTANT_MS = Date.UTC(2200, 0, 1);
/** The first and last calendar dates (YYYY-MM-DD) inside the window. */
export const EARLIEST_DATE = '2000-01-01';
export const LATEST_DATE = '2199-12-31';

/** Whether an instant (ms since the epoch) lies in the ledger's window. */
export const instantInRange = (ms: number): boolean => ms >= EARLIEST_INSTANT_MS && ms < LATEST_INSTANT_MS;
