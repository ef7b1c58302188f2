/**
 * The API's money is an exact decimal string with up to 12 places (USD). Sums the dashboard makes
 * itself (a chart's "other" share of a day) are done on these integers of 10^-12 USD, never on floats.
 */
const SCALE = 12;
const MONEY = /^(-?)(\d+)(?:\.(\d{0,12}))?$/;

export function parseMoney(text: string): bigint {
  const match = MONEY.exec(text.trim());
  if (!match) throw new Error(`not a money amount: ${text}`);
  const [, sign, whole, fraction = ''] = match;
  const units = BigInt(whole!) * 10n ** BigInt(SCALE) + BigInt(fraction.padEnd(SCALE, '0') || '0');
  return sign === '-' ? -units : units;
}

export function moneyToString(units: bigint): string {
  const negative = units < 0n;
  const digits = (negative ? -units : units).toString().padStart(SCALE + 1, '0');
  const text = `${digits.slice(0, -SCALE)}.${digits.slice(-SCALE)}`;
  return negative ? `-${text}` : text;
}

export const sumMoney = (amounts: readonly string[]): string =>
  moneyToString(amounts.reduce((sum, a) => sum + parseMoney(a), 0n));

export const subtractMoney = (a: string, b: string): string => moneyToString(parseMoney(a) - parseMoney(b));
