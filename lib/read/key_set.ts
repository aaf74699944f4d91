/**
 * A set of keys that tests a decoded row's key straight from its UTF-8 bytes: a hashed bit set
 * answers most misses without making a string, so picking a few keys' rows out of a large row group
 * costs little more than hashing its keys. Used by the late-data diff (lib/read/diff.ts).
 *
 * @module
 */

import type { ColumnData, Utf8Data } from "../columns/column_data.ts";
import type { DecodedRowGroup } from "../parquet/data_file.ts";

const _BITS = 1 << 24;
const _encoder = new TextEncoder();
const _decoder = new TextDecoder();

/**
 * Keys, looked up by their UTF-8 bytes.
 *
 * @example
 * ```ts
 * import { KeySet } from "./key_set.ts";
 * import assert from "node:assert/strict";
 * const set = new KeySet();
 * set.add("a");
 * const bytes = new TextEncoder().encode("ba");
 * assert.equal(set.hasBytes(bytes, 1, 2), true);
 * assert.equal(set.hasBytes(bytes, 0, 1), false);
 * ```
 */
export class KeySet {
  readonly #keys = new Set<string>();
  readonly #bits = new Uint32Array(_BITS / 32);

  /** Number of keys. */
  get size(): number {
    return this.#keys.size;
  }

  /** @param key A key to add. */
  add(key: string): void {
    if (this.#keys.has(key)) return;
    this.#keys.add(key);
    const bytes = _encoder.encode(key);
    const h = _hash(bytes, 0, bytes.length);
    this.#bits[h >>> 5]! |= 1 << (h & 31);
  }

  /**
   * Whether the key held in `bytes[start, end)` is in the set.
   *
   * @param bytes UTF-8 bytes holding the key.
   * @param start Where it starts.
   * @param end Where it ends (exclusive).
   * @returns `true` when it is.
   */
  hasBytes(bytes: Uint8Array, start: number, end: number): boolean {
    const h = _hash(bytes, start, end);
    if ((this.#bits[h >>> 5]! & (1 << (h & 31))) === 0) return false;
    return this.#keys.has(_decoder.decode(bytes.subarray(start, end)));
  }
}

/**
 * The rows of a decoded row group whose keys are in the set, as a row group of their own.
 *
 * @param group The row group.
 * @param keys The keys to keep.
 * @returns The kept rows, in their order.
 */
export function rowsOf(group: DecodedRowGroup, keys: KeySet): DecodedRowGroup {
  const { offsets, bytes } = group.key;
  const picked: number[] = [];
  for (let r = 0; r < group.rows; r++) {
    if (keys.hasBytes(bytes, offsets[r]!, offsets[r + 1]!)) picked.push(r);
  }
  return gatherGroup(group, Int32Array.from(picked));
}

/**
 * Rows of a decoded row group, in the given order, as a row group of their own.
 *
 * @param group The row group.
 * @param rows The row numbers to take.
 * @returns The rows taken.
 */
export function gatherGroup(group: DecodedRowGroup, rows: Int32Array): DecodedRowGroup {
  const deleted = group.deleted;
  return {
    rows: rows.length,
    key: gatherColumn(group.key, rows) as Utf8Data,
    eventTime: _take(group.eventTime, rows),
    ...(deleted ? { deleted: _take(deleted, rows) } : {}),
    columns: new Map([...group.columns].map(([name, data]) => [name, gatherColumn(data, rows)])),
  };
}

/**
 * Values of a column, in the given order.
 *
 * @param data The column.
 * @param rows The row numbers to take.
 * @returns The values taken, nulls included.
 */
export function gatherColumn(data: ColumnData, rows: Int32Array): ColumnData {
  const nulls = data.nulls ? { nulls: _take(data.nulls, rows) } : {};
  if (data.kind !== "utf8") {
    return { kind: data.kind, values: _take(data.values, rows), ...nulls } as ColumnData;
  }
  const n = rows.length;
  const offsets = new Int32Array(n + 1);
  for (let i = 0; i < n; i++) {
    const r = rows[i]!;
    offsets[i + 1] = offsets[i]! + data.offsets[r + 1]! - data.offsets[r]!;
  }
  const bytes = new Uint8Array(offsets[n]!);
  const from = data.bytes;
  for (let i = 0; i < n; i++) {
    const r = rows[i]!;
    const start = data.offsets[r]!;
    const end = data.offsets[r + 1]!;
    if (end - start > 32) bytes.set(from.subarray(start, end), offsets[i]!);
    else for (let k = start, p = offsets[i]!; k < end; k++, p++) bytes[p] = from[k]!;
  }
  return { kind: "utf8", offsets, bytes, ...nulls };
}

/**
 * Values `rows[i]` of a typed array, in a new one of the same type (64-bit values copied as two
 * 32-bit words: reading a `BigInt64Array` would make a `bigint` per value).
 */
function _take<T extends Float64Array | BigInt64Array | Uint8Array>(
  values: T,
  rows: Int32Array,
): T {
  const n = rows.length;
  const out = new (values.constructor as new (n: number) => T)(n);
  if (values instanceof Uint8Array) {
    for (let i = 0; i < n; i++) out[i] = values[rows[i]!]!;
    return out;
  }
  const from = new Int32Array(values.buffer, values.byteOffset, values.length * 2);
  const to = new Int32Array(out.buffer, 0, n * 2);
  for (let i = 0; i < n; i++) {
    const r = rows[i]! * 2;
    to[2 * i] = from[r]!;
    to[2 * i + 1] = from[r + 1]!;
  }
  return out;
}

/** FNV-1a over the bytes, reduced to the bit set's size. */
function _hash(bytes: Uint8Array, start: number, end: number): number {
  let h = 0x811c9dc5;
  for (let i = start; i < end; i++) h = Math.imul(h ^ bytes[i]!, 0x01000193);
  return (h >>> 0) & (_BITS - 1);
}
