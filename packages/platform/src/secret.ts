import { inspect } from 'node:util';

const REDACTED = '[redacted]';

/**
 * A secret read from configuration (a SASL password, a private key). It prints as `[redacted]`
 * through JSON.stringify, String(), template literals and util.inspect, so a config object that ends
 * up in a log line or an error message cannot leak it; only `reveal()` returns the value, at the
 * one place that hands it to a client library.
 */
export class Secret {
  readonly #value: string;

  constructor(value: string) {
    this.#value = value;
  }

  reveal(): string {
    return this.#value;
  }

  toJSON(): string {
    return REDACTED;
  }

  toString(): string {
    return REDACTED;
  }

  [inspect.custom](): string {
    return `Secret(${REDACTED})`;
  }
}
