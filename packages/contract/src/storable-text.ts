/**
 * Text Postgres can store: no NUL character and no lone UTF-16 surrogate. Either would make an
 * insert fail for ever (a poison batch) or a query fail with a 500.
 */
export const isStorableText = (value: string): boolean => !value.includes('\u0000') && value.isWellFormed();
