/**
 * Row groups held as columns: strings in arrays, Int as 64-bit integers, Float and instants (ms) as
 * doubles, Boolean as bytes, nulls as a byte mask. The write path copies each row into these as it
 * arrives, so rows die young (no row object lives until its row group is written) and the Parquet
 * encoder copies 8-byte values as they are.
 *
 * @module
 */

import type { Value } from "./data_file.ts";
import type { ColumnType } from "./schema.ts";

/** One column of a {@linkcode ColumnBuffer}, as the Parquet encoder reads it. */
export interface TypedColumn {
  /** The azof type. */
  readonly type: ColumnType;
  /**
   * The values (longer than the rows in use): `String` a `(string | null)[]`, `Int` a
   * `BigInt64Array`, `Float` and `DateTime` (ms) a `Float64Array`, `Boolean` a `Uint8Array` of 0/1.
   */
  readonly data: (string | null)[] | BigInt64Array | Float64Array | Uint8Array;
  /** 1 where the value is null; `undefined` for a column that is not nullable. */
  readonly nulls: Uint8Array | undefined;
}

/** The type and nullability of a buffered column. */
export interface BufferColumn {
  /** The azof type. */
  readonly type: ColumnType;
  /** Whether nulls may be set. */
  readonly nullable: boolean;
}

interface _Column {
  type: ColumnType;
  data: (string | null)[] | BigInt64Array | Float64Array | Uint8Array;
  words: Int32Array | undefined;
  nulls: Uint8Array | undefined;
}

const _TWO32 = 4294967296;

// Int words and the encoder's 8-byte copies take typed arrays to be little-endian, as on every
// platform Deno runs on.
if (new Uint8Array(new Uint32Array([1]).buffer)[0] !== 1) {
  throw new Error("azof's writer needs a little-endian platform");
}

/**
 * A growable set of typed columns.
 *
 * @example Buffer two rows
 * ```ts
 * import { ColumnBuffer } from "./column_buffer.ts";
 * import assert from "node:assert/strict";
 * const buffer = new ColumnBuffer([{ type: "Int", nullable: true }, { type: "String", nullable: false }]);
 * buffer.setRow(0, [5n, "a"]);
 * buffer.setRow(1, [null, "b"]);
 * buffer.length = 2;
 * assert.equal(buffer.value(0, 0), 5n);
 * assert.equal(buffer.value(0, 1), null);
 * assert.equal(buffer.value(1, 1), "b");
 * ```
 */
export class ColumnBuffer {
  /** Rows in use. */
  length = 0;
  #capacity: number;
  readonly #columns: _Column[];

  /**
   * @param columns The columns.
   * @param capacity Rows to allocate at first (it grows by doubling).
   */
  constructor(columns: readonly BufferColumn[], capacity = 1024) {
    this.#capacity = capacity;
    this.#columns = columns.map((c) => _allocate(c.type, c.nullable, capacity));
  }

  /** The columns, for the encoder (valid until the buffer grows). */
  get columns(): readonly TypedColumn[] {
    return this.#columns;
  }

  /**
   * Makes room for `rows` rows.
   *
   * @param rows The rows needed.
   */
  reserve(rows: number): void {
    if (rows <= this.#capacity) return;
    let capacity = Math.max(this.#capacity * 2, 16);
    while (capacity < rows) capacity *= 2;
    this.#columns.forEach((c, i) => {
      const grown = _allocate(c.type, c.nulls !== undefined, capacity);
      if (Array.isArray(c.data)) grown.data = c.data;
      else (grown.data as Uint8Array).set(c.data as Uint8Array);
      grown.nulls?.set(c.nulls!);
      this.#columns[i] = grown;
    });
    this.#capacity = capacity;
  }

  /**
   * Sets one value (the row must be reserved). Int takes a `bigint` or a safe-integer number.
   *
   * @param column The column index.
   * @param row The row index.
   * @param value The value (`null` only in nullable columns).
   */
  set(column: number, row: number, value: Value): void {
    const c = this.#columns[column]!;
    if (c.nulls) c.nulls[row] = value === null ? 1 : 0;
    switch (c.type) {
      case "String":
        (c.data as (string | null)[])[row] = value as string | null;
        return;
      case "Int":
        if (typeof value === "bigint") (c.data as BigInt64Array)[row] = value;
        else if (value !== null) _setInt(c.words!, row, value as number);
        return;
      case "Boolean":
        (c.data as Uint8Array)[row] = value ? 1 : 0;
        return;
      default:
        if (value !== null) (c.data as Float64Array)[row] = value as number;
    }
  }

  /**
   * Sets the values of a row, column by column from the first (the row must be reserved).
   *
   * @param row The row index.
   * @param values The values.
   */
  setRow(row: number, values: readonly Value[]): void {
    this.reserve(row + 1);
    for (let i = 0; i < values.length; i++) this.set(i, row, values[i]!);
  }

  /**
   * Copies a row of another buffer with the same columns into this one (the row must be reserved).
   *
   * @param from The other buffer.
   * @param fromRow The row there.
   * @param row The row here.
   */
  copyRow(from: ColumnBuffer, fromRow: number, row: number): void {
    const source = from.#columns;
    const target = this.#columns;
    for (let i = 0; i < target.length; i++) {
      const s = source[i]!;
      const t = target[i]!;
      if (t.nulls) t.nulls[row] = s.nulls![fromRow]!;
      switch (t.type) {
        case "String":
          (t.data as (string | null)[])[row] = (s.data as (string | null)[])[fromRow]!;
          break;
        case "Int":
          t.words![2 * row] = s.words![2 * fromRow]!;
          t.words![2 * row + 1] = s.words![2 * fromRow + 1]!;
          break;
        case "Boolean":
          (t.data as Uint8Array)[row] = (s.data as Uint8Array)[fromRow]!;
          break;
        default:
          (t.data as Float64Array)[row] = (s.data as Float64Array)[fromRow]!;
      }
    }
  }

  /**
   * Reads one value back (for tests and ties; the encoder reads {@linkcode ColumnBuffer.columns}).
   *
   * @param column The column index.
   * @param row The row index.
   * @returns The value; Int as a `bigint`.
   */
  value(column: number, row: number): Value {
    const c = this.#columns[column]!;
    if (c.nulls?.[row]) return null;
    if (c.type === "Boolean") return (c.data as Uint8Array)[row] === 1;
    return c.data[row]!;
  }
}

function _allocate(type: ColumnType, nullable: boolean, capacity: number): _Column {
  const nulls = nullable ? new Uint8Array(capacity) : undefined;
  switch (type) {
    case "String":
      return { type, data: [], words: undefined, nulls };
    case "Int": {
      const data = new BigInt64Array(capacity);
      return { type, data, words: new Int32Array(data.buffer), nulls };
    }
    case "Boolean":
      return { type, data: new Uint8Array(capacity), words: undefined, nulls };
    default:
      return { type, data: new Float64Array(capacity), words: undefined, nulls };
  }
}

/** A safe integer into an int64 slot as two little-endian 32-bit words, without a bigint. */
function _setInt(words: Int32Array, row: number, v: number): void {
  const hi = Math.floor(v / _TWO32);
  words[2 * row] = v - hi * _TWO32;
  words[2 * row + 1] = hi;
}
