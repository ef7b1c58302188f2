import { divideHalfEven } from '@spend-ledger/contract';

const DECIMAL = /^(\d+)(?:\.(\d+))?(?:[eE]([+-]?\d+))?$/;

/**
 * A non-negative decimal (a JSON number read through its shortest text, or a string) as an integer
 * count of 10^-scale, rounded half to even past that scale; null when it is not such a decimal.
 * Prices in the price package are JSON numbers such as 0.15 or 1.25e-7: their shortest text is the
 * decimal the maintainers wrote, so this is exact for them.
 */
export function decimalToScaled(value: number | string, scale: number): bigint | null {
  if (typeof value === 'number' && (!Number.isFinite(value) || value < 0)) return null;
  const match = DECIMAL.exec(typeof value === 'number' ? String(value) : value.trim());
  if (!match) return null;
  const [, whole = '0', fraction = '', exponentText] = match;
  const exponent = exponentText === undefined ? 0 : Number(exponentText);
  if (Math.abs(exponent) > 64) return null;
  // digits × 10^(exponent - fraction.length) expressed in units of 10^-scale.
  const digits = BigInt(whole + fraction);
  const shift = exponent - fraction.length + scale;
  return shift >= 0 ? digits * 10n ** BigInt(shift) : divideHalfEven(digits, 10n ** BigInt(-shift));
}
