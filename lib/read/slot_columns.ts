/**
 * Per-slot storage of the winning values of one column, in typed arrays: the resolver copies a
 * winner's value from a decoded row group into its key's slot, and output reads slots back in
 * typed arrays (or as JS values). Strings are copied as bytes into an arena that is compacted when
 * overwritten values make up most of it.
 *
 * @module
 */

import {
  type BoolData,
  type ColumnData,
  type ColumnKind,
  type F64Data,
  type I64Data,
  type Utf8Data,
  utf8Strings,
} from "../columns/column_data.ts";
import type { Value } from "../format/schema.ts";

/** The winning values of one column, by slot. */
export interface SlotColumn {
  /**
   * Copies `rows[k]` of `source` into slot `slots[k]`, for `k < count` in order (a later copy to
   * the same slot replaces an earlier one). Every slot is below `size`.
   */
  copy(source: ColumnData, slots: Int32Array, rows: Int32Array, count: number, size: number): void;
  /** Makes room for slots below `size` at once (copies grow the storage as they need otherwise). */
  reserve(size: number): void;
  /** The values of slots `order[from .. to)`, as JS values. */
  values(order: Int32Array, from: number, to: number): Value[];
  /** The values of slots `order[from .. to)` in typed arrays (strings as UTF-8 bytes and offsets). */
  data(order: Int32Array, from: number, to: number): ColumnData;
}

/**
 * The strings of a UTF-8 column, null where it has nulls (decoded in one call when they are ASCII).
 *
 * @example Strings and a null
 * ```ts
 * import { utf8Values } from "./slot_columns.ts";
 * import { fromValues, type Utf8Data } from "../columns/column_data.ts";
 * import assert from "node:assert/strict";
 * assert.deepEqual(utf8Values(fromValues(["a", null, "é"], "utf8") as Utf8Data), ["a", null, "é"]);
 * ```
 *
 * @param column The column.
 * @returns One string (or null) per row.
 */
export function utf8Values(column: Utf8Data): Value[] {
  const rows = column.offsets.length - 1;
  const out = new Array<Value>(rows);
  utf8Strings(column.bytes, column.offsets, 0, rows, out, 0);
  if (column.nulls) { for (let i = 0; i < rows; i++) if (column.nulls[i] === 1) out[i] = null; }
  return out;
}

/**
 * Makes the slot storage for a column layout.
 *
 * @example Keep the last copied value of each slot
 * ```ts
 * import { slotColumn } from "./slot_columns.ts";
 * import { fromValues } from "../columns/column_data.ts";
 * import assert from "node:assert/strict";
 * const column = slotColumn("utf8");
 * const source = fromValues(["a", "b", null], "utf8");
 * column.copy(source, new Int32Array([1, 0, 1]), new Int32Array([0, 1, 2]), 3, 2);
 * assert.deepEqual(column.values(new Int32Array([0, 1]), 0, 2), ["b", null]);
 * ```
 *
 * @param kind The column layout.
 * @returns Empty storage that grows as slots are written.
 */
export function slotColumn(kind: ColumnKind): SlotColumn {
  switch (kind) {
    case "utf8":
      return new _Utf8Slots();
    case "i64":
      return new _I64Slots();
    case "f64":
      return new _F64Slots();
    case "bool":
      return new _BoolSlots();
  }
}

/** Grows `array` to hold index `need - 1`, doubling. */
function _fit<T extends Int32Array | Uint8Array | Float64Array>(array: T, need: number): T {
  if (need <= array.length) return array;
  const grown = new (array.constructor as new (n: number) => T)(
    Math.max(need, array.length * 2, 1024),
  );
  grown.set(array);
  return grown;
}

/** The null mask of slots `order[from .. to)`, or `undefined` when none is null. */
function _gatherNulls(
  nulls: Uint8Array,
  order: Int32Array,
  from: number,
  to: number,
): Uint8Array | undefined {
  let out: Uint8Array | undefined;
  for (let i = from; i < to; i++) {
    if (nulls[order[i]!]) (out ??= new Uint8Array(to - from))[i - from] = 1;
  }
  return out;
}

class _F64Slots implements SlotColumn {
  #values = new Float64Array(0);
  #nulls = new Uint8Array(0);

  reserve(size: number): void {
    this.#values = _fit(this.#values, size);
    this.#nulls = _fit(this.#nulls, size);
  }

  copy(source: ColumnData, slots: Int32Array, rows: Int32Array, count: number, need: number): void {
    const values = this.#values = _fit(this.#values, need);
    const nulls = this.#nulls = _fit(this.#nulls, need);
    const src = (source as F64Data).values;
    const srcNulls = source.nulls;
    for (let k = 0; k < count; k++) {
      const slot = slots[k]!;
      const row = rows[k]!;
      values[slot] = src[row]!;
      nulls[slot] = srcNulls ? srcNulls[row]! : 0;
    }
  }

  values(order: Int32Array, from: number, to: number): Value[] {
    const out = new Array<Value>(to - from);
    for (let i = from; i < to; i++) {
      const slot = order[i]!;
      out[i - from] = this.#nulls[slot] ? null : this.#values[slot]!;
    }
    return out;
  }

  data(order: Int32Array, from: number, to: number): ColumnData {
    const values = new Float64Array(to - from);
    const nulls = _gatherNulls(this.#nulls, order, from, to);
    for (let i = from; i < to; i++) values[i - from] = this.#values[order[i]!]!;
    return { kind: "f64", values, ...(nulls ? { nulls } : {}) };
  }
}

class _BoolSlots implements SlotColumn {
  #values = new Uint8Array(0);
  #nulls = new Uint8Array(0);

  reserve(size: number): void {
    this.#values = _fit(this.#values, size);
    this.#nulls = _fit(this.#nulls, size);
  }

  copy(source: ColumnData, slots: Int32Array, rows: Int32Array, count: number, need: number): void {
    const values = this.#values = _fit(this.#values, need);
    const nulls = this.#nulls = _fit(this.#nulls, need);
    const src = (source as BoolData).values;
    const srcNulls = source.nulls;
    for (let k = 0; k < count; k++) {
      const slot = slots[k]!;
      const row = rows[k]!;
      values[slot] = src[row]!;
      nulls[slot] = srcNulls ? srcNulls[row]! : 0;
    }
  }

  values(order: Int32Array, from: number, to: number): Value[] {
    const out = new Array<Value>(to - from);
    for (let i = from; i < to; i++) {
      const slot = order[i]!;
      out[i - from] = this.#nulls[slot] ? null : this.#values[slot] === 1;
    }
    return out;
  }

  data(order: Int32Array, from: number, to: number): ColumnData {
    const values = new Uint8Array(to - from);
    const nulls = _gatherNulls(this.#nulls, order, from, to);
    for (let i = from; i < to; i++) values[i - from] = this.#values[order[i]!]!;
    return { kind: "bool", values, ...(nulls ? { nulls } : {}) };
  }
}

/** Int64 values copied as pairs of 32-bit halves, so no BigInt is made per copy. */
class _I64Slots implements SlotColumn {
  #halves = new Int32Array(0);
  #nulls = new Uint8Array(0);

  reserve(size: number): void {
    this.#halves = _fit(this.#halves, size * 2);
    this.#nulls = _fit(this.#nulls, size);
  }

  copy(source: ColumnData, slots: Int32Array, rows: Int32Array, count: number, need: number): void {
    const halves = this.#halves = _fit(this.#halves, need * 2);
    const nulls = this.#nulls = _fit(this.#nulls, need);
    const values = (source as I64Data).values;
    const src = new Int32Array(values.buffer, values.byteOffset, values.length * 2);
    const srcNulls = source.nulls;
    for (let k = 0; k < count; k++) {
      const slot = slots[k]!;
      const row = rows[k]!;
      halves[2 * slot] = src[2 * row]!;
      halves[2 * slot + 1] = src[2 * row + 1]!;
      nulls[slot] = srcNulls ? srcNulls[row]! : 0;
    }
  }

  values(order: Int32Array, from: number, to: number): Value[] {
    const out = new Array<Value>(to - from);
    const values = new BigInt64Array(this.#halves.buffer, 0, this.#halves.length >> 1);
    for (let i = from; i < to; i++) {
      const slot = order[i]!;
      out[i - from] = this.#nulls[slot] ? null : values[slot]!;
    }
    return out;
  }

  data(order: Int32Array, from: number, to: number): ColumnData {
    const values = new BigInt64Array(to - from);
    const halves = new Int32Array(values.buffer);
    const nulls = _gatherNulls(this.#nulls, order, from, to);
    const own = this.#halves;
    for (let i = from; i < to; i++) {
      const slot = order[i]!;
      halves[2 * (i - from)] = own[2 * slot]!;
      halves[2 * (i - from) + 1] = own[2 * slot + 1]!;
    }
    return { kind: "i64", values, ...(nulls ? { nulls } : {}) };
  }
}

/** Strings as byte ranges of an arena; a slot's length is -1 for null. */
class _Utf8Slots implements SlotColumn {
  #arena = new Uint8Array(1 << 16);
  #used = 0;
  #live = 0;
  #starts = new Int32Array(0);
  #lengths = new Int32Array(0);

  reserve(size: number): void {
    this.#starts = _fit(this.#starts, size);
    this.#lengths = _fit(this.#lengths, size);
  }

  copy(source: ColumnData, slots: Int32Array, rows: Int32Array, count: number, need: number): void {
    const starts = this.#starts = _fit(this.#starts, need);
    const lengths = this.#lengths = _fit(this.#lengths, need);
    const { offsets, bytes, nulls } = source as Utf8Data;
    for (let k = 0; k < count; k++) {
      const slot = slots[k]!;
      const row = rows[k]!;
      const old = lengths[slot]!;
      if (old > 0) this.#live -= old;
      if (nulls?.[row]) {
        lengths[slot] = -1;
        continue;
      }
      const from = offsets[row]!;
      const length = offsets[row + 1]! - from;
      if (this.#used + length > this.#arena.length) this.#makeRoom(length);
      const arena = this.#arena;
      const at = this.#used;
      if (length < 32) { for (let j = 0; j < length; j++) arena[at + j] = bytes[from + j]!; }
      else arena.set(bytes.subarray(from, from + length), at);
      starts[slot] = at;
      lengths[slot] = length;
      this.#used = at + length;
      this.#live += length;
    }
  }

  values(order: Int32Array, from: number, to: number): Value[] {
    return utf8Values(this.data(order, from, to));
  }

  data(order: Int32Array, from: number, to: number): Utf8Data {
    const lengths = this.#lengths;
    const offsets = new Int32Array(to - from + 1);
    let nulls: Uint8Array | undefined;
    for (let i = from; i < to; i++) {
      const n = lengths[order[i]!]!;
      offsets[i - from + 1] = offsets[i - from]! + (n > 0 ? n : 0);
      if (n === -1) (nulls ??= new Uint8Array(to - from))[i - from] = 1;
    }
    const bytes = new Uint8Array(offsets[to - from]!);
    const arena = this.#arena;
    for (let i = from; i < to; i++) {
      const slot = order[i]!;
      const n = lengths[slot]!;
      const start = this.#starts[slot]!;
      const at = offsets[i - from]!;
      if (n < 32) { for (let j = 0; j < n; j++) bytes[at + j] = arena[start + j]!; }
      else bytes.set(arena.subarray(start, start + n), at);
    }
    return { kind: "utf8", offsets, bytes, ...(nulls ? { nulls } : {}) };
  }

  /**
   * Makes room for `length` more bytes: compacts the arena when more than half of it is overwritten
   * values, else doubles it (copying it whole).
   */
  #makeRoom(length: number): void {
    const old = this.#arena;
    const size = Math.max(old.length * 2, (this.#live + length) * 2);
    if (this.#live * 2 >= this.#used) {
      const arena = new Uint8Array(size);
      arena.set(old.subarray(0, this.#used));
      this.#arena = arena;
      return;
    }
    const arena = new Uint8Array((this.#live + length) * 2 > old.length ? size : old.length);
    const starts = this.#starts;
    const lengths = this.#lengths;
    let at = 0;
    for (let slot = 0; slot < lengths.length; slot++) {
      const n = lengths[slot]!;
      if (n <= 0) continue;
      const from = starts[slot]!;
      if (n < 32) { for (let j = 0; j < n; j++) arena[at + j] = old[from + j]!; }
      else arena.set(old.subarray(from, from + n), at);
      starts[slot] = at;
      at += n;
    }
    this.#arena = arena;
    this.#used = at;
  }
}
