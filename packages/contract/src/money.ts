/**
 * Exact USD amounts as integers of 10^-12 dollars held in a bigint.
 *
 * Why not a decimal library: every amount in the ledger has the same fixed scale (12 decimals, the
 * scale of the Postgres numeric columns), so scaled integers are exact, and native bigint addition is
 * an order of magnitude faster than arbitrary-precision decimals on the writer's hot path.
 */
export const SPEND_SCALE = 12;
const UNIT = 10n ** BigInt(SPEND_SCALE);

/** The largest spend one event may carry (USD). Keeps totals far inside numeric(38,12). */
export const MAX_EVENT_SPEND_USD = 1_000_000_000;

const DECIMAL = /^(\d+)(?:\.(\d+))?(?:[eE]([+-]?\d+))?$/;

export type ParsedSpend = { ok: true; units: bigint } | { ok: false; reason: string };

/**
 * Parses a non-negative decimal (string or JSON number) into exact 10^-12 units.
 * A number is read through its shortest round-trip text (`0.1` is exactly "0.1"), so callers
 * that need more than ~15 significant digits must send a string.
 *
 * @example parseSpend('0.000123') // { ok: true, units: 123000000n }
 */
export function parseSpend(value: string | number): ParsedSpend {
  if (typeof value === 'number' && !Number.isFinite(value)) return { ok: false, reason: 'must be finite' };
  const text = typeof value === 'number' ? String(value) : value.trim();
  if (text.startsWith('-')) return { ok: false, reason: 'must not be negative' };
  const match = DECIMAL.exec(text);
  if (!match) return { ok: false, reason: 'must be a decimal number such as "0.0123"' };
  const [, whole = '0', fraction = '', exponentText] = match;
  const exponent = exponentText === undefined ? 0 : Number(exponentText);
  if (!Number.isSafeInteger(exponent) || Math.abs(exponent) > 64) {
    return { ok: false, reason: 'exponent out of range' };
  }
  // Shift the decimal point by the exponent, then require at most SPEND_SCALE fractional digits.
  let digits = whole + fraction;
  let pointAt = whole.length + exponent;
  if (pointAt < 0) {
    digits = '0'.repeat(-pointAt) + digits;
    pointAt = 0;
  }
  if (pointAt > digits.length) digits += '0'.repeat(pointAt - digits.length);
  const intPart = digits.slice(0, pointAt) || '0';
  const fracPart = digits.slice(pointAt).replace(/0+$/, '');
  if (fracPart.length > SPEND_SCALE) {
    return { ok: false, reason: `must have at most ${SPEND_SCALE} decimal places` };
  }
  const units = BigInt(intPart) * UNIT + BigInt(fracPart.padEnd(SPEND_SCALE, '0') || '0');
  if (units > BigInt(MAX_EVENT_SPEND_USD) * UNIT) {
    return { ok: false, reason: `must not exceed ${MAX_EVENT_SPEND_USD} USD` };
  }
  return { ok: true, units };
}

/** Formats 10^-12 units as a fixed 12-decimal string, the form Postgres returns for numeric(38,12). */
export function formatSpend(units: bigint): string {
  const negative = units < 0n;
  const abs = negative ? -units : units;
  const whole = abs / UNIT;
  const fraction = (abs % UNIT).toString().padStart(SPEND_SCALE, '0');
  return `${negative ? '-' : ''}${whole}.${fraction}`;
}

/** Parses a decimal string produced by Postgres or formatSpend (sign allowed) into units. */
export function spendToUnits(text: string): bigint {
  const negative = text.startsWith('-');
  const parsed = parseSpend(negative ? text.slice(1) : text);
  if (!parsed.ok) throw new Error(`not a ledger amount: ${text} (${parsed.reason})`);
  return negative ? -parsed.units : parsed.units;
}
