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
 * Sorts ids by their keys in UTF-8 byte order (a shorter prefix first), ids of equal keys by
 * `tie`; key `id` is `bytes[starts[id] .. ends[id])`. No JS string is made and no comparison
 * function runs per pair of keys: the ids are sorted natively by 4 bytes of key at a time, each
 * packed above the id into a 64-bit integer, then each run of ids agreeing on those bytes by the
 * next 4 (a comparison function only within runs of equal keys, and past 256 equal bytes).
 *
 * @example Keys, then a tie by id
 * ```ts
 * import { sortByKey } from "./key_order.ts";
 * const bytes = new TextEncoder().encode("bab");
 * const ids = Int32Array.from([0, 1, 2]);
 * sortByKey(ids, bytes, Int32Array.from([0, 1, 2]), Int32Array.from([1, 2, 3]), (a, b) => b - a);
 * console.log([...ids]); // [1, 2, 0]: "a", then the two "b" by the tie (greater id first)
 * ```
 *
 * @param ids Non-negative ids (row numbers, slots), sorted in place.
 * @param bytes The keys' bytes.
 * @param starts Where key `id` starts, by id.
 * @param ends Where key `id` ends (exclusive), by id.
 * @param tie Orders two ids of equal keys.
 */
export function sortByKey(
  ids: Int32Array,
  bytes: Uint8Array,
  starts: Int32Array,
  ends: Int32Array,
  tie: (a: number, b: number) => number,
): void {
  if (ids.length < 2) return;
  const packed = new BigUint64Array(ids.length);
  const keys = { bytes, starts, ends, tie, packed, words: new Uint32Array(packed.buffer) };
  _radix(ids, 0, ids.length, 0, keys);
}

interface _Keys {
  readonly bytes: Uint8Array;
  readonly starts: Int32Array;
  readonly ends: Int32Array;
  readonly tie: (a: number, b: number) => number;
  readonly packed: BigUint64Array;
  readonly words: Uint32Array;
}

/** Past this many equal leading bytes, a run is finished with a comparison function. */
const _RADIX_DEPTH = 256;

/**
 * Sorts `ids[from .. to)`, whose keys agree on their first `depth` bytes, by the next 4 bytes (0
 * past a key's end), then each run agreeing on them too by the bytes after.
 */
function _radix(ids: Int32Array, from: number, to: number, depth: number, keys: _Keys): void {
  const { bytes, starts, ends, words } = keys;
  let longer = false;
  for (let i = from; i < to; i++) {
    const id = ids[i]!;
    const at = starts[id]! + depth;
    const end = ends[id]!;
    let high: number;
    if (end >= at + 4) {
      high = (bytes[at]! << 24) | (bytes[at + 1]! << 16) | (bytes[at + 2]! << 8) | bytes[at + 3]!;
      if (end > at + 4) longer = true;
    } else {
      high = 0;
      for (let k = 0; k < 4; k++) high = (high << 8) | (at + k < end ? bytes[at + k]! : 0);
    }
    words[2 * i + _HIGH] = high >>> 0;
    words[2 * i + _LOW] = id;
  }
  keys.packed.subarray(from, to).sort();
  for (let i = from; i < to; i++) ids[i] = words[2 * i + _LOW]!;
  let run = from;
  for (let i = from + 1; i <= to; i++) {
    if (i < to && words[2 * i + _HIGH] === words[2 * run + _HIGH]) continue;
    if (i - run > 1) {
      if (longer && depth + 4 < _RADIX_DEPTH) _radix(ids, run, i, depth + 4, keys);
      else ids.subarray(run, i).sort((a, b) => _compareFrom(keys, a, b, depth + 4));
    }
    run = i;
  }
}

/**
 * Compares the keys of two ids that agree on their first `depth` bytes (0-padded): by the bytes
 * after, then the shorter first, then by `tie`.
 */
function _compareFrom(keys: _Keys, a: number, b: number, depth: number): number {
  const { bytes, starts, ends } = keys;
  const sa = Math.min(starts[a]! + depth, ends[a]!);
  const sb = Math.min(starts[b]! + depth, ends[b]!);
  return compareBytes(bytes, sa, ends[a]!, bytes, sb, ends[b]!) ||
    (ends[a]! - starts[a]!) - (ends[b]! - starts[b]!) || keys.tie(a, b);
}

/**
 * Where the high and the low 32 bits of a 64-bit typed array element lie in its pair of 32-bit
 * elements: low first on little-endian machines (x86-64, ARM).
 */
const _LOW = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1 ? 0 : 1;
const _HIGH = 1 - _LOW;

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
  const order = new Int32Array(rows);
  const ends = new Int32Array(rows);
  for (let i = 0; i < rows; i++) {
    order[i] = i;
    ends[i] = starts[i]! + lengths[i]!;
  }
  sortByKey(order, bytes, starts, ends, (a, b) => times[a]! - times[b]! || a - b);
  return order;
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
