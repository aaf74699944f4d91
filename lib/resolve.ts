/**
 * The resolution rule: per key, the planned row with the greatest `event_time <= T` wins; a tie goes
 * to the file earlier in read order, then to the later row of the same file; a winning deletion
 * removes the key.
 *
 * @module
 */

import type { DecodedRowGroup, Value } from "./data_file.ts";

/** The winning rows, sorted by key, columnar. */
export interface Resolved {
  /** Number of live (not deleted) keys. */
  readonly rows: number;
  /** Keys in ascending code-point order. */
  readonly key: readonly string[];
  /** Event time (ms) of each winning row. */
  readonly eventTime: readonly number[];
  /** Values of each requested schema column, aligned with `key`. */
  readonly columns: ReadonlyMap<string, readonly Value[]>;
}

/**
 * Accumulates rows file by file, in read order, keeping one winning row per key.
 *
 * @example Later events win, ties go to the earlier file
 * ```ts
 * import { Resolver } from "./resolve.ts";
 * import assert from "node:assert/strict";
 * const r = new Resolver([]);
 * r.add(0, { rows: 2, key: ["a", "b"], eventTime: [5, 5], columns: new Map() });
 * r.add(1, { rows: 2, key: ["a", "b"], eventTime: [5, 6], columns: new Map() });
 * assert.deepEqual(r.finish().eventTime, [5, 6]);
 * ```
 */
export class Resolver {
  readonly #asOf: number;
  readonly #columns: readonly string[];
  readonly #slots = new Map<string, number>();
  readonly #key: string[] = [];
  #eventTime = new Float64Array(1024);
  #file = new Int32Array(1024);
  #deleted = new Uint8Array(1024);
  readonly #values: Value[][];
  #surrogates = false;
  #finished = false;

  /**
   * @param columns The schema columns to keep for each winner.
   * @param asOf The instant; rows with a later `event_time` are ignored. Omit for the current state.
   */
  constructor(columns: readonly string[], asOf?: number) {
    this.#columns = columns;
    this.#asOf = asOf ?? Infinity;
    this.#values = columns.map(() => []);
  }

  /**
   * Offers the rows of one decoded row group.
   *
   * @param file The file's position in read order; calls must not go back to an earlier file.
   * @param group The decoded rows.
   */
  add(file: number, group: DecodedRowGroup): void {
    if (this.#finished) throw new TypeError("Cannot add rows to a resolver after finish()");
    const { key, eventTime, deleted } = group;
    const sources = this.#columns.map((name) => group.columns.get(name)!);
    const values = this.#values;
    const slots = this.#slots;
    const keys = this.#key;
    const asOf = this.#asOf;
    for (let i = 0; i < group.rows; i++) {
      const et = eventTime[i]!;
      if (et > asOf) continue;
      const k = key[i]!;
      let slot = slots.get(k);
      if (slot === undefined) {
        slot = keys.length;
        if (slot === this.#file.length) this.#grow();
        slots.set(k, slot);
        keys.push(k);
        if (!this.#surrogates && _SURROGATE.test(k)) this.#surrogates = true;
      } else {
        const current = this.#eventTime[slot]!;
        if (et < current || (et === current && this.#file[slot] !== file)) continue;
      }
      this.#eventTime[slot] = et;
      this.#file[slot] = file;
      this.#deleted[slot] = deleted?.[i] === true ? 1 : 0;
      for (let c = 0; c < sources.length; c++) values[c]![slot] = sources[c]![i]!;
    }
  }

  /**
   * Drops deleted keys and sorts the winners by key. Ends the accumulation: the key index is
   * released (so it is not held beside the sorted copy) and {@linkcode Resolver.add} throws after.
   *
   * @returns The resolved rows.
   */
  finish(): Resolved {
    this.#finished = true;
    this.#slots.clear();
    const keys = this.#key;
    const order: number[] = [];
    for (let slot = 0; slot < keys.length; slot++) if (!this.#deleted[slot]) order.push(slot);
    // Without surrogates, UTF-16 code unit order is code point order, and `<` is much faster.
    order.sort(
      this.#surrogates
        ? (a, b) => compareKeys(keys[a]!, keys[b]!)
        : (a, b) => (keys[a]! < keys[b]! ? -1 : keys[a]! === keys[b]! ? 0 : 1),
    );
    const columns = new Map<string, Value[]>();
    this.#columns.forEach((name, c) => {
      const source = this.#values[c]!;
      columns.set(name, order.map((slot) => source[slot]!));
    });
    const eventTime = this.#eventTime;
    return {
      rows: order.length,
      key: order.map((slot) => keys[slot]!),
      eventTime: order.map((slot) => eventTime[slot]!),
      columns,
    };
  }

  #grow(): void {
    const size = this.#file.length * 2;
    const eventTime = new Float64Array(size);
    eventTime.set(this.#eventTime);
    this.#eventTime = eventTime;
    const file = new Int32Array(size);
    file.set(this.#file);
    this.#file = file;
    const deleted = new Uint8Array(size);
    deleted.set(this.#deleted);
    this.#deleted = deleted;
  }
}

const _SURROGATE = /[\uD800-\uDFFF]/;

/**
 * Orders keys by Unicode code point (the order of their UTF-8 bytes), which is the order DuckDB and
 * Parquet statistics use; plain `<` on JS strings differs for characters beyond U+FFFF.
 *
 * @param a A key.
 * @param b Another key.
 * @returns Negative, zero or positive.
 */
export function compareKeys(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) {
      const xs = x >= 0xd800 && x <= 0xdfff;
      const ys = y >= 0xd800 && y <= 0xdfff;
      if (xs !== ys && (x >= 0xe000 || y >= 0xe000)) return xs ? 1 : -1;
      return x - y;
    }
  }
  return a.length - b.length;
}
