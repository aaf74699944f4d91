/**
 * Key selection of a scan (`--key`, `--key-prefix`): which keys to output, and which row groups may
 * hold one of them by their `key` min/max statistics.
 *
 * @module
 */

import { compareBytes } from "../format/key_order.ts";

const _encoder = new TextEncoder();

/**
 * Keys to output: those equal to one of `keys` or starting with one of `prefixes` (compared as
 * UTF-8 bytes).
 *
 * @example Keys and prefixes
 * ```ts
 * import { KeyFilter } from "./key_filter.ts";
 * const filter = new KeyFilter(["AAPL"], ["MS"]);
 * const key = new TextEncoder().encode("MSFT");
 * console.log(filter.matches(key, 0, key.length)); // true
 * console.log(filter.mayHold("AAPM", "MR")); // false: no selected key lies in that range
 * ```
 */
export class KeyFilter {
  readonly #keys: Uint8Array[];
  readonly #prefixes: Uint8Array[];

  /**
   * @param keys Keys selected exactly.
   * @param prefixes Prefixes selecting every key that starts with them.
   */
  constructor(keys: readonly string[], prefixes: readonly string[]) {
    this.#keys = keys.map((k) => _encoder.encode(k));
    this.#prefixes = prefixes.map((p) => _encoder.encode(p));
  }

  /**
   * Whether a key is selected.
   *
   * @param bytes Holds the key's UTF-8 bytes.
   * @param start Where the key starts.
   * @param end Where it ends (exclusive).
   * @returns `true` when the key is one of the keys or starts with one of the prefixes.
   */
  matches(bytes: Uint8Array, start: number, end: number): boolean {
    for (const key of this.#keys) {
      if (compareBytes(key, 0, key.length, bytes, start, end) === 0) return true;
    }
    for (const prefix of this.#prefixes) {
      if (
        end - start >= prefix.length &&
        compareBytes(prefix, 0, prefix.length, bytes, start, start + prefix.length) === 0
      ) return true;
    }
    return false;
  }

  /**
   * Whether a row group whose keys lie in `[min, max]` may hold a selected key; `true` when the
   * statistics are missing.
   *
   * @param min The smallest key (or a prefix of it), if known.
   * @param max An upper bound of the keys, if known.
   * @returns `false` only when no selected key can lie in the range.
   */
  mayHold(min: string | undefined, max: string | undefined): boolean {
    if (min === undefined || max === undefined) return true;
    const lo = _encoder.encode(min);
    const hi = _encoder.encode(max);
    const atMostHi = (k: Uint8Array) => compareBytes(k, 0, k.length, hi, 0, hi.length) <= 0;
    const atLeastLo = (k: Uint8Array) => compareBytes(k, 0, k.length, lo, 0, lo.length) >= 0;
    // Keys starting with p run from p up; one is >= lo when p >= lo or lo itself starts with p.
    const startsLo = (p: Uint8Array) =>
      lo.length >= p.length && compareBytes(lo, 0, p.length, p, 0, p.length) === 0;
    return this.#keys.some((k) => atLeastLo(k) && atMostHi(k)) ||
      this.#prefixes.some((p) => atMostHi(p) && (atLeastLo(p) || startsLo(p)));
  }
}
