/**
 * Decoded columns in flat typed arrays, the form both decoders hand to the resolver: strings as
 * UTF-8 bytes with offsets (Arrow's layout), Int as `BigInt64Array`, Float and DateTime (ms) as
 * `Float64Array`, Boolean as bytes, nulls as a byte per row. No JS value is made per row.
 *
 * @module
 */

import type { Value } from "../format/schema.ts";
import type { ColumnType } from "../format/schema.ts";
import { compareBytes } from "../format/key_order.ts";
import type { BufferColumn, TypedColumn } from "./column_buffer.ts";

/** Strings: row `i` is `bytes[offsets[i] .. offsets[i + 1])`, UTF-8; a null row has no bytes. */
export interface Utf8Data {
  /** Tag. */
  readonly kind: "utf8";
  /** `rows + 1` offsets into `bytes`, starting at 0. */
  readonly offsets: Int32Array;
  /** The UTF-8 bytes of all rows, back to back. */
  readonly bytes: Uint8Array;
  /** 1 for a null row; absent when no row is null. */
  readonly nulls?: Uint8Array;
}

/** Float values, or DateTime values as ms since the epoch (0 in a null row). */
export interface F64Data {
  /** Tag. */
  readonly kind: "f64";
  /** One value per row. */
  readonly values: Float64Array;
  /** 1 for a null row; absent when no row is null. */
  readonly nulls?: Uint8Array;
}

/** Int values, exact (0 in a null row). */
export interface I64Data {
  /** Tag. */
  readonly kind: "i64";
  /** One value per row. */
  readonly values: BigInt64Array;
  /** 1 for a null row; absent when no row is null. */
  readonly nulls?: Uint8Array;
}

/** Boolean values as 0 or 1 (0 in a null row). */
export interface BoolData {
  /** Tag. */
  readonly kind: "bool";
  /** One value per row. */
  readonly values: Uint8Array;
  /** 1 for a null row; absent when no row is null. */
  readonly nulls?: Uint8Array;
}

/** One decoded column of a row group. */
export type ColumnData = Utf8Data | F64Data | I64Data | BoolData;

/** The layout a column of each type decodes to. */
export type ColumnKind = ColumnData["kind"];

/**
 * The layout of a schema type.
 *
 * @param type The column type.
 * @returns Its layout.
 */
export function kindOf(type: ColumnType): ColumnKind {
  switch (type) {
    case "String":
      return "utf8";
    case "Int":
      return "i64";
    case "Boolean":
      return "bool";
    default:
      return "f64";
  }
}

const _encoder = new TextEncoder();
const _decoder = new TextDecoder("utf-8", { ignoreBOM: true });

/**
 * Builds a column from plain values (`null` for nulls; Int values may be numbers or bigints).
 *
 * @example Strings with a null
 * ```ts
 * import { fromValues, toValues } from "./column_data.ts";
 * import assert from "node:assert/strict";
 * const column = fromValues(["a", null, "é"], "utf8");
 * assert.deepEqual(toValues(column), ["a", null, "é"]);
 * ```
 *
 * @param values The values.
 * @param kind The layout to build.
 * @returns The column.
 */
export function fromValues(values: readonly Value[], kind: ColumnKind): ColumnData {
  const rows = values.length;
  let nulls: Uint8Array | undefined;
  for (let i = 0; i < rows; i++) {
    if (values[i] === null || values[i] === undefined) (nulls ??= new Uint8Array(rows))[i] = 1;
  }
  const withNulls = nulls ? { nulls } : {};
  switch (kind) {
    case "utf8":
      return { kind, ..._utf8FromStrings(values), ...withNulls };
    case "i64": {
      const out = new BigInt64Array(rows);
      for (let i = 0; i < rows; i++) {
        const v = values[i];
        if (v !== null && v !== undefined) out[i] = typeof v === "bigint" ? v : BigInt(v as number);
      }
      return { kind, values: out, ...withNulls };
    }
    case "bool": {
      const out = new Uint8Array(rows);
      for (let i = 0; i < rows; i++) if (values[i] === true) out[i] = 1;
      return { kind, values: out, ...withNulls };
    }
    case "f64": {
      const out = new Float64Array(rows);
      for (let i = 0; i < rows; i++) {
        const v = values[i];
        if (v !== null && v !== undefined) out[i] = Number(v);
      }
      return { kind, values: out, ...withNulls };
    }
  }
}

/**
 * A column of `rows` nulls.
 *
 * @param kind The layout.
 * @param rows The row count.
 * @returns The column.
 */
export function allNull(kind: ColumnKind, rows: number): ColumnData {
  const nulls = new Uint8Array(rows).fill(1);
  switch (kind) {
    case "utf8":
      return { kind, offsets: new Int32Array(rows + 1), bytes: new Uint8Array(0), nulls };
    case "i64":
      return { kind, values: new BigInt64Array(rows), nulls };
    case "bool":
      return { kind, values: new Uint8Array(rows), nulls };
    case "f64":
      return { kind, values: new Float64Array(rows), nulls };
  }
}

/**
 * The values of a column as plain JS values (for tests and small reads).
 *
 * @param column The column.
 * @returns One value per row.
 */
export function toValues(column: ColumnData): Value[] {
  const rows = column.kind === "utf8" ? column.offsets.length - 1 : column.values.length;
  const out = new Array<Value>(rows);
  for (let i = 0; i < rows; i++) {
    if (column.nulls?.[i] === 1) out[i] = null;
    else if (column.kind === "utf8") {
      out[i] = _decoder.decode(column.bytes.subarray(column.offsets[i], column.offsets[i + 1]));
    } else if (column.kind === "bool") out[i] = column.values[i] === 1;
    else out[i] = column.values[i]!;
  }
  return out;
}

function _utf8FromStrings(values: readonly Value[]): { offsets: Int32Array; bytes: Uint8Array } {
  const offsets = new Int32Array(values.length + 1);
  let bytes = new Uint8Array(values.length * 8 + 16);
  let at = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (typeof v === "string") {
      if (bytes.length - at < v.length * 3) {
        const grown = new Uint8Array(Math.max(bytes.length * 2, at + v.length * 3));
        grown.set(bytes.subarray(0, at));
        bytes = grown;
      }
      at += _encoder.encodeInto(v, bytes.subarray(at)).written;
    }
    offsets[i + 1] = at;
  }
  return { offsets, bytes: bytes.slice(0, at) };
}

/**
 * Decodes strings `from .. to - 1` of a UTF-8 run (string `i` is `bytes[offsets[i] .. offsets[i +
 * 1])`) into `out` from `at`. The run is decoded in one call; when it is all ASCII each string is a
 * substring of that, otherwise each is decoded on its own.
 *
 * @example Two strings
 * ```ts
 * import { utf8Strings } from "./column_data.ts";
 * import assert from "node:assert/strict";
 * const out: string[] = [];
 * utf8Strings(new TextEncoder().encode("abé"), new Int32Array([0, 1, 4]), 0, 2, out, 0);
 * assert.deepEqual(out, ["a", "bé"]);
 * ```
 *
 * @param bytes The bytes.
 * @param offsets The string boundaries.
 * @param from The first string.
 * @param to One past the last string.
 * @param out Where the strings go.
 * @param at The index in `out` of the first string.
 */
export function utf8Strings(
  bytes: Uint8Array,
  offsets: ArrayLike<number>,
  from: number,
  to: number,
  out: Value[],
  at: number,
): void {
  const base = offsets[from]!;
  const text = _decoder.decode(bytes.subarray(base, offsets[to]!));
  if (text.length === offsets[to]! - base) {
    for (let i = from; i < to; i++) {
      out[at++] = text.substring(offsets[i]! - base, offsets[i + 1]! - base);
    }
  } else {
    for (let i = from; i < to; i++) {
      out[at++] = _decoder.decode(bytes.subarray(offsets[i]!, offsets[i + 1]!));
    }
  }
}

/**
 * Compares key `i` of `a` with key `j` of `b` in UTF-8 byte order.
 *
 * @param a Keys.
 * @param i A row of `a`.
 * @param b Keys.
 * @param j A row of `b`.
 * @returns Negative, zero or positive.
 */
export function compareKeyRows(a: Utf8Data, i: number, b: Utf8Data, j: number): number {
  return compareBytes(
    a.bytes,
    a.offsets[i]!,
    a.offsets[i + 1]!,
    b.bytes,
    b.offsets[j]!,
    b.offsets[j + 1]!,
  );
}

/**
 * A decoded column as the Parquet encoder reads it: the same arrays, strings with a length per row,
 * nulls only where the column is nullable.
 *
 * @example
 * ```ts
 * import { fromValues, typedColumn } from "./column_data.ts";
 * import assert from "node:assert/strict";
 * const typed = typedColumn({ type: "String", nullable: false }, fromValues(["a", "bc"], "utf8"));
 * assert.deepEqual([...typed.lengths!], [1, 2]);
 * ```
 *
 * @param column The column's type and nullability.
 * @param data Its values.
 * @returns The encoder's view of them.
 */
export function typedColumn(column: BufferColumn, data: ColumnData): TypedColumn {
  const nulls = column.nullable ? data.nulls : undefined;
  if (data.kind !== "utf8") {
    return { type: column.type, data: data.values, starts: undefined, lengths: undefined, nulls };
  }
  const { offsets, bytes } = data;
  const lengths = new Int32Array(offsets.length - 1);
  for (let i = 0; i < lengths.length; i++) lengths[i] = offsets[i + 1]! - offsets[i]!;
  return { type: column.type, data: bytes, starts: offsets, lengths, nulls };
}
