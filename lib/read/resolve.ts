/**
 * The resolution rule: per key, the planned row with the greatest `event_time <= T` wins; a tie goes
 * to the file earlier in read order, then to the later row of the same file; a winning deletion
 * removes the key.
 *
 * @module
 */

import type { DecodedRowGroup } from "../parquet/data_file.ts";
import type { Value } from "../format/schema.ts";
import type { ColumnData, ColumnKind } from "../columns/column_data.ts";
import { KeyTable } from "./key_table.ts";
import { type SlotColumn, slotColumn, utf8Values } from "./slot_columns.ts";
import { EVENT_TIME, KEY } from "../format/schema.ts";
import type { BatchColumn, RowBatch } from "./batch.ts";

/** The winning rows, sorted by key; values are made as JS values a run at a time. */
export interface Resolved {
  /** Number of live (not deleted) keys. */
  readonly rows: number;
  /**
   * The values of rows `from .. to` (in key order) of an output column: `key` (strings in
   * ascending code-point order), `event_time` (ms) or a requested schema column.
   */
  slice(column: string, from: number, to: number): Value[];
  /**
   * Rows `from .. to` as an output batch. Every column carries its values in typed arrays
   * (`data`: strings, `key` among them, as UTF-8 bytes) and makes JS values only when `values` is
   * read.
   */
  batch(columns: readonly Omit<BatchColumn, "values">[], from: number, to: number): RowBatch;
}

/**
 * Accumulates rows file by file, in read order, keeping one winning row per key. Keys are hashed as
 * UTF-8 bytes and winners' values are copied into typed arrays, so nothing is allocated per row.
 *
 * @example Later events win, ties go to the earlier file
 * ```ts
 * import { Resolver } from "./resolve.ts";
 * import { fromValues, type Utf8Data } from "../columns/column_data.ts";
 * import assert from "node:assert/strict";
 * const key = fromValues(["a", "b"], "utf8") as Utf8Data;
 * const r = new Resolver(new Map());
 * r.add(0, { rows: 2, key, eventTime: new Float64Array([5, 5]), columns: new Map() });
 * r.add(1, { rows: 2, key, eventTime: new Float64Array([5, 6]), columns: new Map() });
 * assert.deepEqual(r.finish().slice("event_time", 0, 2), [5, 6]);
 * ```
 */
export class Resolver {
  readonly #asOf: number;
  readonly #columns: ReadonlyMap<string, SlotColumn>;
  #keys: KeyTable | undefined = new KeyTable();
  #eventTime = new Float64Array(1024);
  #file = new Int32Array(1024);
  #deleted = new Uint8Array(1024);
  #winSlots = new Int32Array(0);
  #winRows = new Int32Array(0);

  /**
   * @param columns The schema columns to keep for each winner, with their layouts.
   * @param asOf The instant; rows with a later `event_time` are ignored. Omit for the current state.
   */
  constructor(columns: ReadonlyMap<string, ColumnKind>, asOf?: number) {
    this.#columns = new Map([...columns].map(([name, kind]) => [name, slotColumn(kind)]));
    this.#asOf = asOf ?? Infinity;
  }

  /**
   * Makes room for `rows` more keys at once (the rows of the next file, say), so that the key
   * index and the winners' storage do not grow step by step; optional.
   *
   * @param rows The most keys that may come before the next call.
   */
  reserve(rows: number): void {
    const keys = this.#keys;
    if (!keys) throw new TypeError("Cannot add rows to a resolver after finish()");
    keys.reserve(rows);
    const size = keys.size + rows;
    if (size > this.#file.length) this.#grow(size);
    for (const column of this.#columns.values()) column.reserve(size);
  }

  /**
   * Offers the rows of one decoded row group.
   *
   * @param file The file's position in read order; calls must not go back to an earlier file.
   * @param group The decoded rows.
   */
  add(file: number, group: DecodedRowGroup): void {
    const keys = this.#keys;
    if (!keys) throw new TypeError("Cannot add rows to a resolver after finish()");
    if (this.#winSlots.length < group.rows) {
      this.#winSlots = new Int32Array(group.rows);
      this.#winRows = new Int32Array(group.rows);
    }
    const winSlots = this.#winSlots;
    const winRows = this.#winRows;
    const { offsets, bytes } = group.key;
    const { eventTime, deleted } = group;
    const asOf = this.#asOf;
    keys.reserve(group.rows);
    let wins = 0;
    for (let i = 0; i < group.rows; i++) {
      const et = eventTime[i]!;
      if (et > asOf) continue;
      const size = keys.size;
      const slot = keys.intern(bytes, offsets[i]!, offsets[i + 1]!);
      if (slot === size) {
        if (slot === this.#file.length) this.#grow();
      } else {
        const current = this.#eventTime[slot]!;
        if (et < current || (et === current && this.#file[slot] !== file)) continue;
      }
      this.#eventTime[slot] = et;
      this.#file[slot] = file;
      this.#deleted[slot] = deleted ? deleted[i]! : 0;
      winSlots[wins] = slot;
      winRows[wins] = i;
      wins++;
    }
    for (const [name, column] of this.#columns) {
      column.copy(group.columns.get(name)!, winSlots, winRows, wins, keys.size);
    }
  }

  /**
   * Drops deleted keys and sorts the winners by key. Ends the accumulation: the key index is
   * released and {@linkcode Resolver.add} throws after.
   *
   * @returns The resolved rows.
   */
  finish(): Resolved {
    const table = this.#keys;
    if (!table) throw new TypeError("Cannot finish a resolver twice");
    this.#keys = undefined;
    const order = _liveInKeyOrder(table, this.#deleted);
    table.freeze();
    const eventTime = this.#eventTime;
    const columns = this.#columns;
    const data = (column: string, from: number, to: number): ColumnData => {
      if (column === KEY) return table.utf8(order, from, to);
      if (column !== EVENT_TIME) return columns.get(column)!.data(order, from, to);
      const values = new Float64Array(to - from);
      for (let i = from; i < to; i++) values[i - from] = eventTime[order[i]!]!;
      return { kind: "f64", values };
    };
    const slice = (column: string, from: number, to: number): Value[] => {
      if (column === KEY) return utf8Values(table.utf8(order, from, to));
      if (column !== EVENT_TIME) return columns.get(column)!.values(order, from, to);
      const out = new Array<Value>(to - from);
      for (let i = from; i < to; i++) out[i - from] = eventTime[order[i]!]!;
      return out;
    };
    return {
      rows: order.length,
      slice,
      batch: (outputs, from, to) => ({
        rows: to - from,
        columns: outputs.map((c): BatchColumn => {
          let values: Value[] | undefined;
          return {
            ...c,
            data: data(c.name, from, to),
            get values() {
              return values ??= slice(c.name, from, to);
            },
          };
        }),
      }),
    };
  }

  /** Grows the per-slot arrays to `size` slots, or twice their size. */
  #grow(size = this.#file.length * 2): void {
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

/** The slots not deleted, in key order: the key table's order when it has one, else sorted. */
function _liveInKeyOrder(table: KeyTable, deleted: Uint8Array): Int32Array {
  const known = table.order();
  const order = new Int32Array(table.size);
  let n = 0;
  for (let i = 0; i < order.length; i++) {
    const slot = known ? known[i]! : i;
    if (!deleted[slot]) order[n++] = slot;
  }
  const live = order.subarray(0, n);
  if (!known) table.sort(live);
  return live;
}

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
