/**
 * Row sets for compaction, held column by column in typed arrays (keys as UTF-8 bytes, values as
 * {@linkcode ColumnData}) so that a million-key state costs a few flat arrays instead of a million
 * objects: gathering rows by index, ordering by key in byte (code point) order, keeping the newest
 * row per key, and merging a sorted state with a sorted set of changes.
 *
 * @module
 */

import { concatColumns } from "../columns/arrow_columns.ts";
import {
  type ColumnData,
  type ColumnKind,
  compareKeyRows,
  type Utf8Data,
} from "../columns/column_data.ts";
import { sortByKey } from "../format/key_order.ts";

/** Rows of a table's history: key, `event_time`, deletion flag and the schema columns. */
export interface RowSet {
  /** Number of rows. */
  readonly rows: number;
  /** The keys. */
  readonly key: Utf8Data;
  /** The event times (ms). */
  readonly t: Float64Array;
  /** 1 where the row deletes its key. */
  readonly deleted: Uint8Array;
  /** The schema columns, in schema order. */
  readonly columns: readonly ColumnData[];
}

/**
 * A row set without rows.
 *
 * @param kinds The layouts of the schema columns.
 * @returns The empty set.
 */
export function emptyRows(kinds: readonly ColumnKind[]): RowSet {
  return {
    rows: 0,
    key: { kind: "utf8", offsets: new Int32Array(1), bytes: new Uint8Array(0) },
    t: new Float64Array(0),
    deleted: new Uint8Array(0),
    columns: kinds.map((kind) => _gatherColumn(_emptyColumn(kind), new Int32Array(0))),
  };
}

/**
 * The rows `index[0], index[1], …` of a set, as a new set.
 *
 * @example Reverse two rows
 * ```ts
 * import { gatherRows, sortRows } from "./rows.ts";
 * import { fromValues, type Utf8Data } from "../columns/column_data.ts";
 * import assert from "node:assert/strict";
 * const set = {
 *   rows: 2,
 *   key: fromValues(["b", "a"], "utf8") as Utf8Data,
 *   t: new Float64Array([1, 2]),
 *   deleted: new Uint8Array(2),
 *   columns: [],
 * };
 * const sorted = gatherRows(set, sortRows(set));
 * assert.deepEqual([...sorted.t], [2, 1]);
 * ```
 *
 * @param set The rows.
 * @param index Row numbers of `set`.
 * @returns The gathered rows.
 */
export function gatherRows(set: RowSet, index: Int32Array): RowSet {
  const n = index.length;
  const t = new Float64Array(n);
  const deleted = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const r = index[i]!;
    t[i] = set.t[r]!;
    deleted[i] = set.deleted[r]!;
  }
  return {
    rows: n,
    key: _gatherColumn(set.key, index) as Utf8Data,
    t,
    deleted,
    columns: set.columns.map((c) => _gatherColumn(c, index)),
  };
}

/**
 * Row sets one after another.
 *
 * @param parts The sets (at least one), all with the same column layouts.
 * @returns One set.
 */
export function concatRows(parts: readonly RowSet[]): RowSet {
  if (parts.length === 1) return parts[0]!;
  const rows = parts.reduce((n, p) => n + p.rows, 0);
  const t = new Float64Array(rows);
  const deleted = new Uint8Array(rows);
  let at = 0;
  for (const p of parts) {
    t.set(p.t, at);
    deleted.set(p.deleted, at);
    at += p.rows;
  }
  return {
    rows,
    key: concatColumns(parts.map((p) => p.key), "utf8") as Utf8Data,
    t,
    deleted,
    columns: parts[0]!.columns.map((c, i) =>
      concatColumns(parts.map((p) => p.columns[i]!), c.kind)
    ),
  };
}

/**
 * The order of a set's rows by key (UTF-8 byte order, which is code point order), then
 * `event_time` (ascending, or descending with `newestFirst`), then `rank` ascending, then row
 * number descending.
 *
 * @param set The rows.
 * @param rank A number per row that decides ties of key and time (lower first); none by default.
 * @param newestFirst Order times descending.
 * @returns Row numbers in that order.
 */
export function sortRows(set: RowSet, rank?: Int32Array, newestFirst = false): Int32Array {
  const { offsets, bytes } = set.key;
  const t = set.t;
  const sign = newestFirst ? -1 : 1;
  const order = new Int32Array(set.rows);
  for (let i = 0; i < set.rows; i++) order[i] = i;
  sortByKey(order, bytes, offsets, offsets.subarray(1), (a, b) => {
    if (t[a] !== t[b]) return (t[a]! - t[b]!) * sign;
    if (rank && rank[a] !== rank[b]) return rank[a]! - rank[b]!;
    return b - a;
  });
  return order;
}

/**
 * From rows in `order` (grouped by key), the first row of each run of equal keys, or with
 * `sameTime` of equal key and `event_time`.
 *
 * @param set The rows.
 * @param order Row numbers, equal keys (and times) next to each other.
 * @param sameTime Runs are of equal key and time rather than of equal key.
 * @returns The row numbers kept, in order.
 */
export function firstOfRuns(set: RowSet, order: Int32Array, sameTime: boolean): Int32Array {
  const out = new Int32Array(order.length);
  let n = 0;
  for (let i = 0; i < order.length; i++) {
    const r = order[i]!;
    if (i > 0) {
      const p = order[i - 1]!;
      if ((!sameTime || set.t[p] === set.t[r]) && compareKeyRows(set.key, p, set.key, r) === 0) {
        continue;
      }
    }
    out[n++] = r;
  }
  return out.subarray(0, n);
}

/**
 * Of a set sorted by key then time, the newest row of each key among rows with `event_time` before
 * `before`.
 *
 * @param set Rows sorted by key, then time.
 * @param before The bound (exclusive).
 * @returns Row numbers, in key order.
 */
export function newestPerKey(set: RowSet, before = Infinity): Int32Array {
  const out = new Int32Array(set.rows);
  let n = 0;
  let last = -1;
  for (let r = 0; r < set.rows; r++) {
    if (set.t[r]! >= before) continue;
    if (last >= 0 && compareKeyRows(set.key, last, set.key, r) !== 0) out[n++] = last;
    last = r;
  }
  if (last >= 0) out[n++] = last;
  return out.subarray(0, n);
}

/**
 * The rows with `from <= event_time <= to`, in set order.
 *
 * @param set The rows.
 * @param from First instant.
 * @param to Last instant, inclusive.
 * @returns Row numbers.
 */
export function rowsInRange(set: RowSet, from: number, to: number): Int32Array {
  const out = new Int32Array(set.rows);
  let n = 0;
  for (let r = 0; r < set.rows; r++) {
    const t = set.t[r]!;
    if (t >= from && t <= to) out[n++] = r;
  }
  return out.subarray(0, n);
}

/**
 * Merges two sets sorted by key with one row per key: a key in both takes the row of `newer`.
 *
 * @param older Rows sorted by key, one per key.
 * @param newer Rows sorted by key, one per key.
 * @returns The merged rows, sorted by key.
 */
export function mergeNewer(older: RowSet, newer: RowSet): RowSet {
  if (newer.rows === 0) return older;
  if (older.rows === 0) return newer;
  const both = concatRows([older, newer]);
  const index = new Int32Array(older.rows + newer.rows);
  let i = 0;
  let j = 0;
  let n = 0;
  while (i < older.rows || j < newer.rows) {
    const c = i === older.rows
      ? 1
      : j === newer.rows
      ? -1
      : compareKeyRows(older.key, i, newer.key, j);
    if (c < 0) index[n++] = i++;
    else {
      index[n++] = older.rows + j++;
      if (c === 0) i++;
    }
  }
  return gatherRows(both, index.subarray(0, n));
}

function _emptyColumn(kind: ColumnKind): ColumnData {
  switch (kind) {
    case "utf8":
      return { kind, offsets: new Int32Array(1), bytes: new Uint8Array(0) };
    case "i64":
      return { kind, values: new BigInt64Array(0) };
    case "f64":
      return { kind, values: new Float64Array(0) };
    case "bool":
      return { kind, values: new Uint8Array(0) };
  }
}

function _gatherColumn(column: ColumnData, index: Int32Array): ColumnData {
  const n = index.length;
  let nulls: Uint8Array | undefined;
  if (column.nulls) {
    nulls = new Uint8Array(n);
    for (let i = 0; i < n; i++) nulls[i] = column.nulls[index[i]!]!;
  }
  const withNulls = nulls ? { nulls } : {};
  switch (column.kind) {
    case "utf8": {
      const { offsets, bytes } = column;
      const out = new Int32Array(n + 1);
      for (let i = 0; i < n; i++) {
        const r = index[i]!;
        out[i + 1] = out[i]! + offsets[r + 1]! - offsets[r]!;
      }
      const gathered = new Uint8Array(out[n]!);
      for (let i = 0; i < n; i++) {
        const r = index[i]!;
        const from = offsets[r]!;
        const length = offsets[r + 1]! - from;
        const at = out[i]!;
        if (length < 32) { for (let j = 0; j < length; j++) gathered[at + j] = bytes[from + j]!; }
        else gathered.set(bytes.subarray(from, from + length), at);
      }
      return { kind: "utf8", offsets: out, bytes: gathered, ...withNulls };
    }
    case "i64": {
      const src = new Int32Array(
        column.values.buffer,
        column.values.byteOffset,
        2 * column.values.length,
      );
      const halves = new Int32Array(2 * n);
      for (let i = 0; i < n; i++) {
        const r = index[i]!;
        halves[2 * i] = src[2 * r]!;
        halves[2 * i + 1] = src[2 * r + 1]!;
      }
      return { kind: "i64", values: new BigInt64Array(halves.buffer), ...withNulls };
    }
    case "f64": {
      const values = new Float64Array(n);
      for (let i = 0; i < n; i++) values[i] = column.values[index[i]!]!;
      return { kind: "f64", values, ...withNulls };
    }
    case "bool": {
      const values = new Uint8Array(n);
      for (let i = 0; i < n; i++) values[i] = column.values[index[i]!]!;
      return { kind: "bool", values, ...withNulls };
    }
  }
}
