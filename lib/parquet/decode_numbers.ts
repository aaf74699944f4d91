/**
 * Numbers of decoded pages into column buffers without a JS value per row: INT64 timestamps to
 * milliseconds through their two 32-bit halves (exact; a BigInt only for values of 2^52 or more),
 * and pages without nulls copied into the column in one call.
 *
 * @module
 */

import type { DecodedArray, SchemaElement } from "npm:hyparquet@1.31.5";

/**
 * How many stored units make a millisecond, for an INT64 timestamp column.
 *
 * @param element The column's schema element.
 * @returns 1 (ms), 1,000 (µs) or 1,000,000 (ns); `undefined` for any other column.
 */
export function timestampDivisor(element: SchemaElement): number | undefined {
  if (element.type !== "INT64") return undefined;
  const logical = element.logical_type;
  if (logical?.type === "TIMESTAMP") {
    return { MILLIS: 1, MICROS: 1_000, NANOS: 1_000_000 }[logical.unit];
  }
  if (element.converted_type === "TIMESTAMP_MILLIS") return 1;
  if (element.converted_type === "TIMESTAMP_MICROS") return 1_000;
  return undefined;
}

const _TWO32 = 4294967296;
/** Beyond this high word, `hi * 2^32 + lo` and the division check are no longer exact. */
const _HI_LIMIT = 0x100000;

/**
 * INT64 timestamps as ms since the epoch, rounded toward negative infinity.
 *
 * @example Microseconds, before and after the epoch
 * ```ts
 * import { timestampsToMs } from "./decode_numbers.ts";
 * import assert from "node:assert/strict";
 * const ms = timestampsToMs(new BigInt64Array([1_500n, -1n, 2n ** 62n]), 1_000);
 * assert.deepEqual([...ms], [1, -1, Number(2n ** 62n / 1_000n)]);
 * ```
 *
 * @param values The stored values.
 * @param divisor Units per millisecond ({@linkcode timestampDivisor}).
 * @returns One Float64 per value.
 */
export function timestampsToMs(values: BigInt64Array, divisor: number): Float64Array {
  const out = new Float64Array(values.length);
  const words = new Int32Array(values.buffer, values.byteOffset, values.length * 2);
  const big = BigInt(divisor);
  for (let i = 0; i < values.length; i++) {
    const hi = words[2 * i + 1]!;
    if (hi >= _HI_LIMIT || hi < -_HI_LIMIT) {
      const v = values[i]!;
      const q = v / big;
      out[i] = Number(v < 0n && q * big !== v ? q - 1n : q);
      continue;
    }
    const n = hi * _TWO32 + (words[2 * i]! >>> 0);
    if (divisor === 1) {
      out[i] = n;
      continue;
    }
    let q = Math.floor(n / divisor);
    const r = n - q * divisor;
    if (r < 0) q--;
    else if (r >= divisor) q++;
    out[i] = q;
  }
  return out;
}

/**
 * Copies a page's values into a column from `row` when the page has no nulls and its values are
 * already of the column's array type.
 *
 * @param target The column's values.
 * @param values The page's values.
 * @param row Where the page's first row goes.
 * @returns Whether it copied; `false` leaves the page to the per-value path.
 */
export function copyPage(
  target: Float64Array | BigInt64Array,
  values: unknown,
  row: number,
): boolean {
  if (target instanceof Float64Array && values instanceof Float64Array) {
    target.set(values, row);
    return true;
  }
  if (target instanceof BigInt64Array && values instanceof BigInt64Array) {
    target.set(values, row);
    return true;
  }
  return false;
}

/**
 * A dictionary-encoded page's values: the dictionary's entry for each index, in a typed array of
 * the dictionary's own type when it is a `Float64Array` or `BigInt64Array` (Int64s moved as two
 * 32-bit halves, without a BigInt each), else in a JS array.
 *
 * @example Indices into a dictionary of Int64s
 * ```ts
 * import { dereference } from "./decode_numbers.ts";
 * import assert from "node:assert/strict";
 * const values = dereference(new BigInt64Array([7n, -2n ** 63n]), new Int32Array([1, 0, 1]));
 * assert.deepEqual([...values], [-(2n ** 63n), 7n, -(2n ** 63n)]);
 * ```
 *
 * @param dictionary The chunk's dictionary.
 * @param indices The page's indices.
 * @returns One value per index.
 * @throws {Error} When an index is past the dictionary.
 */
export function dereference(dictionary: DecodedArray, indices: Int32Array): DecodedArray {
  const n = dictionary.length;
  for (let i = 0; i < indices.length; i++) {
    const k = indices[i]!;
    if (k >= n || k < 0) throw new Error(`dictionary index ${k >>> 0} is past its ${n} entries`);
  }
  if (dictionary instanceof Float64Array) {
    const out = new Float64Array(indices.length);
    for (let i = 0; i < indices.length; i++) out[i] = dictionary[indices[i]!]!;
    return out;
  }
  if (dictionary instanceof BigInt64Array) {
    const out = new BigInt64Array(indices.length);
    const to = _halves(out);
    const from = _halves(dictionary);
    for (let i = 0; i < indices.length; i++) {
      const k = indices[i]! * 2;
      to[2 * i] = from[k]!;
      to[2 * i + 1] = from[k + 1]!;
    }
    return out;
  }
  const out = new Array(indices.length);
  for (let i = 0; i < indices.length; i++) out[i] = dictionary[indices[i]!];
  return out;
}

/**
 * Copies a page's values into a column from `row`, skipping each row whose definition level is 0
 * (left for the caller to mark null), when the values are already of the column's array type.
 *
 * @param target The column's values.
 * @param values The page's non-null values.
 * @param levels The page's definition levels, one per row.
 * @param row Where the page's first row goes.
 * @returns The number of values taken, or -1 (nothing copied) when the types differ.
 */
export function spreadPage(
  target: Float64Array | BigInt64Array,
  values: unknown,
  levels: Uint8Array,
  row: number,
): number {
  let v = 0;
  if (target instanceof Float64Array && values instanceof Float64Array) {
    for (let i = 0; i < levels.length; i++) if (levels[i] !== 0) target[row + i] = values[v++]!;
    return v;
  }
  if (target instanceof BigInt64Array && values instanceof BigInt64Array) {
    const to = _halves(target);
    const from = _halves(values);
    for (let i = 0; i < levels.length; i++) {
      if (levels[i] === 0) continue;
      to[2 * (row + i)] = from[2 * v]!;
      to[2 * (row + i) + 1] = from[2 * v + 1]!;
      v++;
    }
    return v;
  }
  return -1;
}

/** The two 32-bit halves of each Int64, as a view. */
function _halves(values: BigInt64Array): Int32Array {
  return new Int32Array(values.buffer, values.byteOffset, values.length * 2);
}
