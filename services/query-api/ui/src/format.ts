/** Numbers as the reader's locale writes them; money to cents, the exact amount kept for a title. */
const money = new Map<string, Intl.NumberFormat>();
const counts = new Map<string, Intl.NumberFormat>();

function cached(
  cache: Map<string, Intl.NumberFormat>,
  locale: string | undefined,
  options: Intl.NumberFormatOptions,
) {
  let format = cache.get(locale ?? '');
  if (!format) {
    format = new Intl.NumberFormat(locale, options);
    cache.set(locale ?? '', format);
  }
  return format;
}

/**
 * "12.345678000000" → "$12.35" (en-US) or "12,35 $US" (fr-FR). Intl formats the decimal string
 * itself, so rounding to cents is exact (no float on the way).
 */
export function formatMoney(amount: string | number, locale?: string): string {
  const format = cached(money, locale, {
    style: 'currency',
    currency: 'USD',
    minimumFractionDigits: 2,
    maximumFractionDigits: 2,
  });
  return format.format(typeof amount === 'number' ? amount : (amount as Intl.StringNumericLiteral));
}

/** The exact figure shown on hover. */
export const exactMoney = (amount: string): string => `${amount} USD (exact)`;

export function formatCount(value: number, locale?: string): string {
  return cached(counts, locale, { maximumFractionDigits: 0 }).format(value);
}
