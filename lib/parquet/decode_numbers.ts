/**
 * Numbers of decoded pages into column buffers without a JS value per row: INT64 timestamps to
 * milliseconds through their two 32-bit halves (exact; a BigInt only for values of 2^52 or more),
 * and pages placed into the column as typed arrays (dictionary indices dereferenced, null rows
 * skipped; pages without nulls copied in one call).
 *
 * @module
 */

import type { SchemaElement } from "npm:hyparquet@1.31.5";

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
 * Places a page's values into a column from `row` when they are of the column's array type (Int64s
 * moved as two 32-bit halves, without a BigInt each): value `j` is `values[indices[j]]` for a
 * dictionary-encoded page (`values` is then the dictionary; {@linkcode checkIndices} first), else
 * `values[j]`. Rows whose
 * definition level is 0 are skipped, left for the caller to mark null; without levels, every row
 * takes a value.
 *
 * @example Dictionary indices, one null row
 * ```ts
 * import { placePage } from "./decode_numbers.ts";
 * import assert from "node:assert/strict";
 * const column = new BigInt64Array(4);
 * const page = { levels: new Uint8Array([1, 0, 1]), indices: new Int32Array([1, 0]) };
 * assert.equal(placePage(column, new BigInt64Array([7n, -(2n ** 63n)]), page, 1), 2);
 * assert.deepEqual([...column], [0n, -(2n ** 63n), 0n, 7n]);
 * ```
 *
 * @param target The column's values.
 * @param values The page's values, or the dictionary its indices point into.
 * @param page The page's definition levels (empty when no row is null) and dictionary indices.
 * @param row Where the page's first row goes.
 * @returns The number of values taken, or -1 (nothing placed) when the types differ.
 */
export function placePage(
  target: Float64Array | BigInt64Array,
  values: unknown,
  page: { readonly levels: Uint8Array; readonly indices?: Int32Array | undefined },
  row: number,
): number {
  const { levels, indices } = page;
  if (target instanceof Float64Array && values instanceof Float64Array) {
    if (levels.length === 0 && !indices) {
      target.set(values, row);
      return values.length;
    }
    const rows = levels.length || indices!.length;
    let v = 0;
    for (let i = 0; i < rows; i++) {
      if (levels.length > 0 && levels[i] === 0) continue;
      target[row + i] = values[indices ? indices[v]! : v]!;
      v++;
    }
    return v;
  }
  if (target instanceof BigInt64Array && values instanceof BigInt64Array) {
    if (levels.length === 0 && !indices) {
      target.set(values, row);
      return values.length;
    }
    const to = _halves(target);
    const from = _halves(values);
    const rows = levels.length || indices!.length;
    let v = 0;
    for (let i = 0; i < rows; i++) {
      if (levels.length > 0 && levels[i] === 0) continue;
      const k = 2 * (indices ? indices[v]! : v);
      to[2 * (row + i)] = from[k]!;
      to[2 * (row + i) + 1] = from[k + 1]!;
      v++;
    }
    return v;
  }
  return -1;
}

/**
 * Refuses a page's dictionary indices when one is past the dictionary.
 *
 * @param indices The indices.
 * @param size The dictionary's entries.
 * @throws {Error} When an index is not below `size`.
 */
export function checkIndices(indices: Int32Array, size: number): void {
  for (let i = 0; i < indices.length; i++) {
    const k = indices[i]!;
    if (k >= size || k < 0) {
      throw new Error(`dictionary index ${k >>> 0} is past its ${size} entries`);
    }
  }
}

/** The two 32-bit halves of each Int64, as a view. */
function _halves(values: BigInt64Array): Int32Array {
  return new Int32Array(values.buffer, values.byteOffset, values.length * 2);
}
