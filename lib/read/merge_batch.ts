/**
 * The output batches of a merge (lib/read/merge.ts): the winners are kept as references to their
 * row groups until the batch is taken, then copied column by column into flat typed arrays (strings
 * as UTF-8 bytes and offsets), which output writers copy as they are; JS values are made only when
 * a caller asks for them.
 *
 * @module
 */

import {
  type ColumnData,
  type ColumnKind,
  kindOf,
  toValues,
  type Utf8Data,
  utf8Strings,
} from "../columns/column_data.ts";
import type { Value } from "../format/schema.ts";
import { type BatchColumn, MAX_STRING_BYTES, type RowBatch } from "./batch.ts";

/** A row group winners come from: its output columns, decoded by `load`. */
export interface WinnerGroup {
  /** The output columns' data, in output order, once loaded. */
  readonly columns: readonly ColumnData[];
  /** Decodes the output columns (once). */
  load(): Promise<void>;
}

/**
 * The winners of one output batch, as references to their row groups until taken.
 *
 * @example Two winners of one row group
 * ```ts
 * import { MergeBatch } from "./merge_batch.ts";
 * import { fromValues } from "../columns/column_data.ts";
 * import assert from "node:assert/strict";
 * const group = { columns: [fromValues(["a", "b"], "utf8")], load: () => Promise.resolve() };
 * const batch = new MergeBatch([{ name: "key", type: "String", nullable: false }]);
 * batch.push(group, 1);
 * batch.push(group, 0);
 * const taken = await batch.take();
 * assert.deepEqual(taken.columns[0]!.values, ["b", "a"]);
 * ```
 */
export class MergeBatch {
  /** Rows pushed and not yet taken. */
  rows = 0;
  readonly #columns: readonly Omit<BatchColumn, "values">[];
  readonly #kinds: readonly ColumnKind[];
  readonly #maxBytes: number;
  /** The row groups of the rows pushed, each once; a row's group is `#groups[#group[row]]`. */
  #groups: WinnerGroup[] = [];
  #index = new Map<WinnerGroup, number>();
  // Typed arrays rather than arrays of references: they stay out of the JS heap's young generation.
  #group = new Int32Array(1024);
  #at = new Int32Array(1024);
  #last: WinnerGroup | undefined;
  #lastIndex = -1;

  /**
   * @param columns The output columns, in output order.
   * @param maxBytes The most bytes of a string column in one batch.
   */
  constructor(columns: readonly Omit<BatchColumn, "values">[], maxBytes = MAX_STRING_BYTES) {
    this.#columns = columns;
    this.#kinds = columns.map((c) => kindOf(c.type));
    this.#maxBytes = maxBytes;
  }

  /**
   * Adds a winner.
   *
   * @param group Its row group.
   * @param row Its row there.
   */
  push(group: WinnerGroup, row: number): void {
    if (group !== this.#last) {
      let index = this.#index.get(group);
      if (index === undefined) {
        index = this.#groups.push(group) - 1;
        this.#index.set(group, index);
      }
      this.#last = group;
      this.#lastIndex = index;
    }
    if (this.rows === this.#at.length) {
      this.#group = _grown(this.#group);
      this.#at = _grown(this.#at);
    }
    this.#group[this.rows] = this.#lastIndex;
    this.#at[this.rows] = row;
    this.rows++;
  }

  /**
   * The batch's columns: as many of its first rows as keep every string column within the byte
   * limit (the rest stay for the next call). Row groups are decoded one after another: all at once
   * would grow the decoder's memory for good.
   *
   * @returns The batch.
   */
  async take(): Promise<RowBatch> {
    for (const group of this.#groups) await group.load();
    const rows = this.#fitting();
    const winners = { groups: this.#groups, group: this.#group, at: this.#at };
    const columns = this.#columns.map((column, c): BatchColumn => {
      const kind = this.#kinds[c]!;
      const data = kind === "utf8" ? _utf8(winners, c, rows) : _gather(winners, c, rows, kind);
      let values: Value[] | undefined;
      return {
        ...column,
        data,
        get values() {
          return values ??= data.kind === "utf8" ? _strings(data) : toValues(data);
        },
      };
    });
    this.#keep(rows);
    return { rows, columns };
  }

  /** Drops the first `taken` rows, keeping the rest (and only their row groups). */
  #keep(taken: number): void {
    const groups = this.#groups;
    this.rows -= taken;
    this.#group.copyWithin(0, taken, taken + this.rows);
    this.#at.copyWithin(0, taken, taken + this.rows);
    this.#groups = [];
    this.#index = new Map();
    this.#last = undefined;
    for (let i = 0; i < this.rows; i++) {
      const group = groups[this.#group[i]!]!;
      let index = this.#index.get(group);
      if (index === undefined) {
        index = this.#groups.push(group) - 1;
        this.#index.set(group, index);
      }
      this.#group[i] = index;
    }
  }

  /** How many of the first rows keep the bytes of every string column within the limit (>= 1). */
  #fitting(): number {
    let rows = this.rows;
    this.#kinds.forEach((kind, c) => {
      if (kind !== "utf8") return;
      let bytes = 0;
      for (let i = 0; i < rows; i++) {
        const { offsets } = this.#groups[this.#group[i]!]!.columns[c] as Utf8Data;
        bytes += offsets[this.#at[i]! + 1]! - offsets[this.#at[i]!]!;
        if (bytes > this.#maxBytes) rows = Math.max(i, 1);
      }
    });
    return rows;
  }
}

/** The winners of a batch: row `i` is row `at[i]` of row group `groups[group[i]]`. */
interface _Winners {
  readonly groups: readonly WinnerGroup[];
  readonly group: Int32Array;
  readonly at: Int32Array;
}

/** A typed array of twice the length, with the same first elements. */
function _grown(array: Int32Array): Int32Array<ArrayBuffer> {
  const grown = new Int32Array(array.length * 2);
  grown.set(array);
  return grown;
}

/** Output column `c` of the first `rows` winners, copied into one typed column. */
function _gather(winners: _Winners, c: number, rows: number, kind: ColumnKind): ColumnData {
  if (kind === "i64") return _gather64(winners, c, rows);
  const { groups, group, at } = winners;
  const values = kind === "bool" ? new Uint8Array(rows) : new Float64Array(rows);
  let nulls: Uint8Array | undefined;
  for (let i = 0; i < rows; i++) {
    const column = groups[group[i]!]!.columns[c] as Exclude<ColumnData, Utf8Data>;
    const row = at[i]!;
    // Every file's column has the output column's layout, so an element keeps its type.
    (values as Float64Array)[i] = (column.values as Float64Array)[row]!;
    if (column.nulls?.[row] === 1) (nulls ??= new Uint8Array(rows))[i] = 1;
  }
  return { kind, values, ...(nulls ? { nulls } : {}) } as ColumnData;
}

/**
 * An Int output column, copied as pairs of 32-bit halves: reading a `BigInt64Array` element makes
 * a `bigint` on the heap, one per row.
 */
function _gather64(winners: _Winners, c: number, rows: number): ColumnData {
  const { groups, group, at } = winners;
  const values = new BigInt64Array(rows);
  const out = new Int32Array(values.buffer);
  const halves = new Map<ColumnData, Int32Array>();
  let nulls: Uint8Array | undefined;
  for (let i = 0; i < rows; i++) {
    const column = groups[group[i]!]!.columns[c] as Exclude<ColumnData, Utf8Data>;
    let from = halves.get(column);
    if (from === undefined) {
      const { buffer, byteOffset, length } = column.values;
      halves.set(column, from = new Int32Array(buffer, byteOffset, length * 2));
    }
    const row = at[i]!;
    out[2 * i] = from[2 * row]!;
    out[2 * i + 1] = from[2 * row + 1]!;
    if (column.nulls?.[row] === 1) (nulls ??= new Uint8Array(rows))[i] = 1;
  }
  return { kind: "i64", values, ...(nulls ? { nulls } : {}) };
}

/**
 * A utf8 output column: the winners' bytes copied together, so that they die with the batch rather
 * than keeping their row groups alive.
 */
function _utf8(winners: _Winners, c: number, rows: number): Utf8Data {
  const { groups, group, at } = winners;
  const offsets = new Int32Array(rows + 1);
  let nulls: Uint8Array | undefined;
  for (let i = 0; i < rows; i++) {
    const { offsets: o, nulls: n } = groups[group[i]!]!.columns[c] as Utf8Data;
    offsets[i + 1] = offsets[i]! + o[at[i]! + 1]! - o[at[i]!]!;
    if (n?.[at[i]!] === 1) (nulls ??= new Uint8Array(rows))[i] = 1;
  }
  const bytes = new Uint8Array(offsets[rows]!);
  for (let i = 0; i < rows; i++) {
    const column = groups[group[i]!]!.columns[c] as Utf8Data;
    const from = column.offsets[at[i]!]!;
    const to = column.offsets[at[i]! + 1]!;
    if (to - from > 32) bytes.set(column.bytes.subarray(from, to), offsets[i]!);
    else for (let k = from, p = offsets[i]!; k < to; k++, p++) bytes[p] = column.bytes[k]!;
  }
  return { kind: "utf8", offsets, bytes, ...(nulls ? { nulls } : {}) };
}

/** The strings of a column (decoded in one call when they are all ASCII). */
function _strings(column: Utf8Data): Value[] {
  const rows = column.offsets.length - 1;
  const out = new Array<Value>(rows);
  utf8Strings(column.bytes, column.offsets, 0, rows, out, 0);
  if (column.nulls) { for (let i = 0; i < rows; i++) if (column.nulls[i] === 1) out[i] = null; }
  return out;
}
