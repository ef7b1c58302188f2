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
  const parsed = parseDecimal(value);
  if (parsed.ok && parsed.units > MAX_EVENT_UNITS) {
    return { ok: false, reason: `must not exceed ${MAX_EVENT_SPEND_USD} USD` };
  }
  return parsed;
}

const MAX_EVENT_UNITS = BigInt(MAX_EVENT_SPEND_USD) * UNIT;

// formatSpend's own output below the cap: up to 9 integer digits without a leading zero, 12 decimals.
const CANONICAL = /^(?:0|[1-9]\d{0,8})\.\d{12}$/;

/**
 * The canonical 12-decimal text of an event's spend, or the reason it is not acceptable. Text already
 * in canonical form (what the gateway puts on the topic) is returned as is, without a bigint.
 */
export function canonicalSpend(
  value: string | number,
): { ok: true; text: string } | { ok: false; reason: string } {
  if (typeof value === 'string' && CANONICAL.test(value)) return { ok: true, text: value };
  const parsed = parseSpend(value);
  return parsed.ok ? { ok: true, text: formatSpend(parsed.units) } : parsed;
}

/**
 * Parses a non-negative decimal like parseSpend, but rounds to 12 decimals half-even instead of
 * refusing more. For senders whose costs are binary floats with noise (LiteLLM's `response_cost`
 * of `0.00022500000000000002` becomes `0.000225000000`): the noise is far below 10^-12 USD and the
 * ledger must not refuse a real request for it. A number is read through its shortest round-trip
 * text, so the rounding applies to the decimal the sender meant, not to the float's binary value.
 *
 * @example roundSpend(0.00022500000000000002) // { ok: true, units: 225000000n }
 * @example roundSpend('0.0000000000005') // { ok: true, units: 0n } (half to even)
 */
export function roundSpend(value: string | number): ParsedSpend {
  const parsed = parseDecimal(value, 'round');
  if (parsed.ok && parsed.units > MAX_EVENT_UNITS) {
    return { ok: false, reason: `must not exceed ${MAX_EVENT_SPEND_USD} USD` };
  }
  return parsed;
}

/**
 * Divides a non-negative bigint by a positive one, rounding half to even: the rounding of every
 * derived amount (rounded costs, prices per token), so repeated roundings do not drift upwards.
 */
export function divideHalfEven(numerator: bigint, denominator: bigint): bigint {
  const quotient = numerator / denominator;
  const twice = (numerator % denominator) * 2n;
  if (twice > denominator || (twice === denominator && quotient % 2n === 1n)) return quotient + 1n;
  return quotient;
}

/**
 * A non-negative decimal to exact units, with no upper bound (sums can exceed one event's cap).
 * One rule for signs, whatever the form: a minus sign is refused, negative zero included (`"-0"`,
 * the number -0, and -1e-400, which JSON parsing turns into -0: its sender meant a negative amount).
 * Text is read as sent: blanks around it are refused, not trimmed. More than 12 decimals are
 * refused, or rounded half-even with `excess: 'round'` (roundSpend).
 */
function parseDecimal(value: string | number, excess: 'refuse' | 'round' = 'refuse'): ParsedSpend {
  if (typeof value === 'number' && !Number.isFinite(value)) return { ok: false, reason: 'must be finite' };
  if (Object.is(value, -0)) return { ok: false, reason: 'must not be negative (negative zero included)' };
  const text = typeof value === 'number' ? String(value) : value;
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
    if (excess === 'refuse') {
      return { ok: false, reason: `must have at most ${SPEND_SCALE} decimal places` };
    }
    const scale = 10n ** BigInt(fracPart.length - SPEND_SCALE);
    return { ok: true, units: divideHalfEven(BigInt(intPart + fracPart), scale) };
  }
  return { ok: true, units: BigInt(intPart) * UNIT + BigInt(fracPart.padEnd(SPEND_SCALE, '0') || '0') };
}

/** Formats 10^-12 units as a fixed 12-decimal string, the form Postgres returns for numeric(38,12). */
export function formatSpend(units: bigint): string {
  const negative = units < 0n;
  const abs = negative ? -units : units;
  const whole = abs / UNIT;
  const fraction = (abs % UNIT).toString().padStart(SPEND_SCALE, '0');
  return `${negative ? '-' : ''}${whole}.${fraction}`;
}

/** Parses a ledger amount produced by Postgres or formatSpend (sign allowed, no cap) into units. */
export function spendToUnits(text: string): bigint {
  const negative = text.startsWith('-');
  const parsed = parseDecimal(negative ? text.slice(1) : text);
  if (!parsed.ok) throw new Error(`not a ledger amount: ${text} (${parsed.reason})`);
  return negative ? -parsed.units : parsed.units;
}

const PICO_PER_USD = 1e12;

/**
 * An exact running sum of spend held in two safe integers (whole dollars and 10^-12 dollars), so
 * hot loops add without allocating a bigint per addition. Exact while the whole part stays below
 * 2^53 USD.
 */
export class SpendSum {
  whole = 0;
  pico = 0;

  /** Adds a fixed 12-decimal string as formatSpend produces it (the normalised event's spend). */
  addText(text: string): void {
    const dot = text.length - 13;
    if (dot < 1 || text.charCodeAt(dot) !== 46 /* . */ || text.charCodeAt(0) === 45 /* - */) {
      this.addUnits(spendToUnits(text));
      return;
    }
    this.whole += Number(text.slice(0, dot));
    this.pico += Number(text.slice(dot + 1));
    if (this.pico >= PICO_PER_USD) {
      this.pico -= PICO_PER_USD;
      this.whole += 1;
    }
  }

  add(other: SpendSum): void {
    this.whole += other.whole;
    this.pico += other.pico;
    if (this.pico >= PICO_PER_USD) {
      this.pico -= PICO_PER_USD;
      this.whole += 1;
    }
  }

  addUnits(units: bigint): void {
    this.whole += Number(units / BigInt(PICO_PER_USD));
    this.pico += Number(units % BigInt(PICO_PER_USD));
    if (this.pico >= PICO_PER_USD) {
      this.pico -= PICO_PER_USD;
      this.whole += 1;
    }
  }

  toUnits(): bigint {
    return BigInt(this.whole) * BigInt(PICO_PER_USD) + BigInt(this.pico);
  }

  /** Fixed 12-decimal text, the same form as formatSpend. */
  toString(): string {
    return `${this.whole}.${String(this.pico).padStart(SPEND_SCALE, '0')}`;
  }
}
