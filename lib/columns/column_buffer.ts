/**
 * Row groups held as columns: strings as UTF-8 bytes, Int as 64-bit integers, Float and instants (ms) as
 * doubles, Boolean as bytes, nulls as a byte mask. The write path copies each row into these as it
 * arrives, so rows die young (no row object lives until its row group is written) and the Parquet
 * encoder copies 8-byte values as they are.
 *
 * @module
 */

import type { Value } from "../format/schema.ts";
import type { ColumnType } from "../format/schema.ts";

/** One column of a {@linkcode ColumnBuffer}, as the Parquet encoder reads it. */
export interface TypedColumn {
  /** The azof type. */
  readonly type: ColumnType;
  /**
   * The values (longer than the rows in use): `Int` a `BigInt64Array`, `Float` and `DateTime` (ms)
   * a `Float64Array`, `Boolean` a `Uint8Array` of 0/1, `String` a `Uint8Array` of UTF-8 bytes that
   * {@linkcode TypedColumn.starts} and {@linkcode TypedColumn.lengths} index.
   */
  readonly data: BigInt64Array | Float64Array | Uint8Array;
  /** `String`: where each row's bytes start in `data`; else `undefined`. */
  readonly starts: Int32Array | undefined;
  /** `String`: each row's byte length (0 for a null); else `undefined`. */
  readonly lengths: Int32Array | undefined;
  /** 1 where the value is null; `undefined` for a column that is not nullable. */
  readonly nulls: Uint8Array | undefined;
}

/** A {@linkcode ColumnBuffer} as a message between threads (see {@linkcode ColumnBuffer.message}). */
export interface BufferMessage {
  /** Rows allocated. */
  readonly capacity: number;
  /** Rows in use. */
  readonly length: number;
  /** The columns' arrays. */
  readonly columns: readonly (TypedColumn & { readonly used: number })[];
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
  data: BigInt64Array | Float64Array | Uint8Array;
  words: Int32Array | undefined;
  starts: Int32Array | undefined;
  lengths: Int32Array | undefined;
  /** `String`: bytes of `data` in use (rows overwritten leave their old bytes behind). */
  used: number;
  nulls: Uint8Array | undefined;
}

const _TWO32 = 4294967296;
const _encoder = new TextEncoder();
const _decoder = new TextDecoder("utf-8", { ignoreBOM: true });

// Int words and the encoder's 8-byte copies take typed arrays to be little-endian, as on every
// platform Deno runs on.
if (new Uint8Array(new Uint32Array([1]).buffer)[0] !== 1) {
  throw new Error("azof's writer needs a little-endian platform");
}

/**
 * A growable set of typed columns. Strings are kept as UTF-8 bytes, so that the CSV reader copies
 * them from its input and the encoder into its pages without a JS string per value.
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

  /** The columns, for the encoder (valid until the buffer grows or is cleared). */
  get columns(): readonly TypedColumn[] {
    return this.#columns;
  }

  /**
   * The buffer as a message to another thread (`postMessage(message, transfer)`), its arrays
   * transferred: this buffer is unusable after (see {@linkcode ColumnBuffer.detached}).
   *
   * @returns The message and the array buffers to transfer.
   *
   * @example Move a buffer through a message
   * ```ts
   * import { ColumnBuffer } from "./column_buffer.ts";
   * import assert from "node:assert/strict";
   * const buffer = new ColumnBuffer([{ type: "String", nullable: false }, { type: "Int", nullable: true }]);
   * buffer.setRow(0, ["é", 5n]);
   * buffer.length = 1;
   * const { message, transfer } = buffer.message();
   * const copy = structuredClone(message, { transfer });
   * assert.ok(buffer.detached);
   * const moved = ColumnBuffer.fromMessage(copy);
   * assert.deepEqual([moved.length, moved.value(0, 0), moved.value(1, 0)], [1, "é", 5n]);
   * ```
   */
  message(): { message: BufferMessage; transfer: ArrayBuffer[] } {
    const columns = this.#columns.map((c) => ({
      type: c.type,
      data: c.data,
      starts: c.starts,
      lengths: c.lengths,
      used: c.used,
      nulls: c.nulls,
    }));
    const transfer = new Set<ArrayBuffer>();
    for (const c of columns) {
      for (const array of [c.data, c.starts, c.lengths, c.nulls]) {
        if (array) transfer.add(array.buffer as ArrayBuffer);
      }
    }
    return {
      message: { capacity: this.#capacity, length: this.length, columns },
      transfer: [...transfer],
    };
  }

  /**
   * A buffer from a {@linkcode ColumnBuffer.message} received from another thread.
   *
   * @param message The message.
   * @returns The buffer, with the rows it held.
   */
  static fromMessage(message: BufferMessage): ColumnBuffer {
    const buffer = new ColumnBuffer([], message.capacity);
    for (const c of message.columns) {
      buffer.#columns.push({
        ...c,
        words: c.type === "Int" ? new Int32Array(c.data.buffer) : undefined,
      });
    }
    buffer.length = message.length;
    return buffer;
  }

  /** Whether its arrays were transferred to another thread by {@linkcode ColumnBuffer.message}. */
  get detached(): boolean {
    return this.#columns.some((c) => (c.data.buffer as ArrayBuffer).detached);
  }

  /** Empties the buffer, keeping its capacity. */
  clear(): void {
    this.length = 0;
    for (const c of this.#columns) c.used = 0;
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
      const grown = _allocate(c.type, c.nulls !== undefined, capacity, c.data as Uint8Array);
      if (c.starts) {
        grown.used = c.used;
        grown.starts!.set(c.starts);
        grown.lengths!.set(c.lengths!);
      } else (grown.data as Uint8Array).set(c.data as Uint8Array);
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
        _setString(c, row, value as string | null);
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
   * Sets a `String` value from UTF-8 bytes (the row must be reserved).
   *
   * @param column The column index.
   * @param row The row index.
   * @param bytes Holds the value.
   * @param from Where it starts in `bytes`.
   * @param to Where it ends (exclusive).
   */
  setBytes(column: number, row: number, bytes: Uint8Array, from: number, to: number): void {
    const c = this.#columns[column]!;
    if (c.nulls) c.nulls[row] = 0;
    _copyBytes(c, row, bytes, from, to - from);
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
          _copyBytes(t, row, s.data as Uint8Array, s.starts![fromRow]!, s.lengths![fromRow]!);
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
   * Whether a row's `String` value has exactly the given bytes.
   *
   * @param column The column index.
   * @param row The row index.
   * @param bytes Holds the other value.
   * @param from Where it starts in `bytes`.
   * @param to Where it ends (exclusive).
   * @returns Whether they are equal.
   */
  equalsBytes(column: number, row: number, bytes: Uint8Array, from: number, to: number): boolean {
    const c = this.#columns[column]!;
    const length = c.lengths![row]!;
    if (length !== to - from || c.nulls?.[row]) return false;
    const data = c.data as Uint8Array;
    const start = c.starts![row]!;
    for (let i = 0; i < length; i++) if (data[start + i] !== bytes[from + i]) return false;
    return true;
  }

  /**
   * Reads one value back (for tests and row objects; the encoder reads
   * {@linkcode ColumnBuffer.columns}).
   *
   * @param column The column index.
   * @param row The row index.
   * @returns The value; Int as a `bigint`.
   */
  value(column: number, row: number): Value {
    const c = this.#columns[column]!;
    if (c.nulls?.[row]) return null;
    if (c.type === "Boolean") return (c.data as Uint8Array)[row] === 1;
    if (c.starts) {
      const start = c.starts[row]!;
      return _decoder.decode(c.data.subarray(start, start + c.lengths![row]!));
    }
    return c.data[row]!;
  }
}

function _allocate(
  type: ColumnType,
  nullable: boolean,
  capacity: number,
  bytes?: Uint8Array,
): _Column {
  const nulls = nullable ? new Uint8Array(capacity) : undefined;
  const column = (data: BigInt64Array | Float64Array | Uint8Array): _Column => ({
    type,
    data,
    words: undefined,
    starts: undefined,
    lengths: undefined,
    used: 0,
    nulls,
  });
  switch (type) {
    case "String":
      return {
        ...column(bytes ?? new Uint8Array(capacity * 16)),
        starts: new Int32Array(capacity),
        lengths: new Int32Array(capacity),
      };
    case "Int": {
      const data = new BigInt64Array(capacity);
      return { ...column(data), words: new Int32Array(data.buffer) };
    }
    case "Boolean":
      return column(new Uint8Array(capacity));
    default:
      return column(new Float64Array(capacity));
  }
}

/** Makes room for `extra` more bytes in a `String` column. */
function _room(c: _Column, extra: number): Uint8Array {
  const data = c.data as Uint8Array;
  if (c.used + extra <= data.length) return data;
  const grown = new Uint8Array(Math.max(data.length * 2, c.used + extra));
  grown.set(data.subarray(0, c.used));
  c.data = grown;
  return grown;
}

function _copyBytes(
  c: _Column,
  row: number,
  bytes: Uint8Array,
  from: number,
  length: number,
): void {
  const data = _room(c, length);
  const at = c.used;
  if (length > 64) data.set(bytes.subarray(from, from + length), at);
  else for (let i = 0; i < length; i++) data[at + i] = bytes[from + i]!;
  c.starts![row] = at;
  c.lengths![row] = length;
  c.used = at + length;
}

/** A string (or null) into a `String` column: ASCII copied char by char, else via TextEncoder. */
function _setString(c: _Column, row: number, s: string | null): void {
  const n = s === null ? 0 : s.length;
  const data = _room(c, 3 * n);
  const at = c.used;
  let p = at;
  for (let i = 0; i < n; i++) {
    const ch = s!.charCodeAt(i);
    if (ch >= 128) {
      p = at + _encoder.encodeInto(s!, data.subarray(at)).written;
      break;
    }
    data[p++] = ch;
  }
  c.starts![row] = at;
  c.lengths![row] = p - at;
  c.used = p;
}

/** A safe integer into an int64 slot as two little-endian 32-bit words, without a bigint. */
function _setInt(words: Int32Array, row: number, v: number): void {
  const hi = Math.floor(v / _TWO32);
  words[2 * row] = v - hi * _TWO32;
  words[2 * row + 1] = hi;
}
