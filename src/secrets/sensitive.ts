/**
 * A secret value that cannot be printed by accident: every way JavaScript turns it into text
 * (template strings, `String()`, `JSON.stringify`, `console.log`, `util.inspect`, error messages)
 * gives `[REDACTED:NAME]`. The only way to read the value is `reveal()`.
 */
import { inspect } from 'node:util';

/** The text that stands in for a secret value everywhere Runway writes output. */
export function redactedMarker(name: string): string {
  return `[REDACTED:${name}]`;
}

/** Wraps a secret value so printing or serialising it shows `[REDACTED:NAME]`. */
export class Sensitive {
  // A true private field: not enumerable, not copied by spread or structuredClone, not shown by inspect.
  readonly #value: string;

  constructor(
    readonly name: string,
    value: string,
  ) {
    this.#value = value;
  }

  /** The secret value itself. Pass it only to the process or request that needs it. */
  reveal(): string {
    return this.#value;
  }

  /** `[REDACTED:NAME]`. */
  toString(): string {
    return redactedMarker(this.name);
  }

  /** `[REDACTED:NAME]`, so `JSON.stringify` never writes the value. */
  toJSON(): string {
    return redactedMarker(this.name);
  }

  /** `[REDACTED:NAME]` for `+` and other implicit conversions. */
  [Symbol.toPrimitive](): string {
    return redactedMarker(this.name);
  }

  /** `[REDACTED:NAME]` for `console.log` and `util.inspect`. */
  [inspect.custom](): string {
    return redactedMarker(this.name);
  }
}
