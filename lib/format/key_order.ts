/**
 * Key order (docs/SPEC.md §5.6): keys compared as UTF-8 bytes, then `event_time`; the metadata entry
 * by which a data file declares that its rows come in that order; and sorting rows into it.
 *
 * @module
 */

/** The key-value metadata entry a key-ordered data file carries (its value: `key,event_time`). */
export const KEY_ORDER_ENTRY = { key: "azof.sorting_columns", value: "key,event_time" } as const;

/**
 * Compares two byte ranges as unsigned bytes, a shorter prefix first (UTF-8 byte order, which is
 * code point order).
 *
 * @example Bytes compare as unsigned
 * ```ts
 * import { compareBytes } from "./key_order.ts";
 * const bytes = new TextEncoder().encode("abé");
 * console.log(compareBytes(bytes, 0, 1, bytes, 1, 2) < 0); // true: "a" < "b"
 * ```
 *
 * @param x Bytes holding the first range.
 * @param xs Its start.
 * @param xe Its end (exclusive).
 * @param y Bytes holding the second range.
 * @param ys Its start.
 * @param ye Its end (exclusive).
 * @returns Negative, zero or positive.
 */
export function compareBytes(
  x: Uint8Array,
  xs: number,
  xe: number,
  y: Uint8Array,
  ys: number,
  ye: number,
): number {
  const n = Math.min(xe - xs, ye - ys);
  for (let k = 0; k < n; k++) {
    const d = x[xs + k]! - y[ys + k]!;
    if (d !== 0) return d;
  }
  return (xe - xs) - (ye - ys);
}

/**
 * The first 12 bytes of each key as two 48-bit numbers (0-padded), which order like the bytes: equal
 * prefixes need a full {@linkcode compareBytes}.
 *
 * @param bytes The keys' bytes.
 * @param starts Where key `r` starts.
 * @param ends Where key `r` ends (exclusive); `ends[r]` may be given as `starts[r] + length`.
 * @param rows The number of keys.
 * @returns The high and low prefix numbers, one per key.
 */
export function keyPrefixes(
  bytes: Uint8Array,
  starts: (r: number) => number,
  ends: (r: number) => number,
  rows: number,
): [Float64Array, Float64Array] {
  const high = new Float64Array(rows);
  const low = new Float64Array(rows);
  for (let r = 0; r < rows; r++) {
    const start = starts(r);
    const end = ends(r);
    let h = 0;
    let l = 0;
    for (let k = 0; k < 6; k++) h = h * 256 + (start + k < end ? bytes[start + k]! : 0);
    for (let k = 6; k < 12; k++) l = l * 256 + (start + k < end ? bytes[start + k]! : 0);
    high[r] = h;
    low[r] = l;
  }
  return [high, low];
}

/**
 * The order of rows by key (UTF-8 byte order), then `event_time` ascending, then row number.
 *
 * @example Two keys, two times
 * ```ts
 * import { keyTimeOrder } from "./key_order.ts";
 * const bytes = new TextEncoder().encode("bab");
 * const order = keyTimeOrder(bytes, new Int32Array([0, 1, 2]), new Int32Array([1, 1, 1]),
 *   new Float64Array([5, 9, 1]), 3);
 * console.log([...order]); // [2, 1, 0]: "a", then "b" at 1 before "b" at 5
 * ```
 *
 * @param bytes The keys' bytes.
 * @param starts Where each key starts in `bytes`.
 * @param lengths Each key's byte length.
 * @param times Each row's `event_time`.
 * @param rows The number of rows.
 * @returns Row numbers in key order.
 */
export function keyTimeOrder(
  bytes: Uint8Array,
  starts: Int32Array,
  lengths: Int32Array,
  times: Float64Array,
  rows: number,
): Int32Array {
  const [high, low] = keyPrefixes(bytes, (r) => starts[r]!, (r) => starts[r]! + lengths[r]!, rows);
  const order = new Int32Array(rows);
  for (let i = 0; i < rows; i++) order[i] = i;
  return order.sort((a, b) => {
    if (high[a] !== high[b]) return high[a]! < high[b]! ? -1 : 1;
    if (low[a] !== low[b]) return low[a]! < low[b]! ? -1 : 1;
    const sa = starts[a]!;
    const sb = starts[b]!;
    const c = compareBytes(bytes, sa, sa + lengths[a]!, bytes, sb, sb + lengths[b]!);
    if (c !== 0) return c;
    if (times[a] !== times[b]) return times[a]! - times[b]!;
    return a - b;
  });
}

/** The Parquet row group `sorting_columns` of a key-ordered file (`key`, then `event_time`). */
export const KEY_SORTING_COLUMNS: readonly {
  readonly column_idx: number;
  readonly descending: boolean;
  readonly nulls_first: boolean;
}[] = [
  { column_idx: 0, descending: false, nulls_first: false },
  { column_idx: 1, descending: false, nulls_first: false },
];

/**
 * The `key` statistics of a key-ordered row group: its first key is the smallest, its last the
 * greatest.
 *
 * @param bytes The keys' bytes.
 * @param first The first key's byte range, `[start, end)`.
 * @param last The last key's byte range, `[start, end)`.
 * @returns Parquet statistics (the encoder truncates long values outwards).
 */
export function keyStatistics(
  bytes: Uint8Array,
  first: readonly [number, number],
  last: readonly [number, number],
): { min_value: Uint8Array; max_value: Uint8Array; null_count: bigint } {
  return {
    min_value: bytes.slice(first[0], first[1]),
    max_value: bytes.slice(last[0], last[1]),
    null_count: 0n,
  };
}

/**
 * Whether rows are in key order: each key after the one before it, or equal to it with a later
 * `event_time` (so also at most one row per key and time).
 *
 * @param key The keys (`bytes[offsets[i] .. offsets[i + 1])`).
 * @param times Each row's `event_time`.
 * @param rows The number of rows.
 * @returns `true` when every row follows the one before.
 */
export function isKeyOrdered(
  key: { readonly offsets: Int32Array; readonly bytes: Uint8Array },
  times: Float64Array,
  rows: number,
): boolean {
  const { offsets, bytes } = key;
  for (let i = 1; i < rows; i++) {
    const c = compareBytes(
      bytes,
      offsets[i - 1]!,
      offsets[i]!,
      bytes,
      offsets[i]!,
      offsets[i + 1]!,
    );
    if (c > 0 || (c === 0 && times[i - 1]! >= times[i]!)) return false;
  }
  return true;
}
