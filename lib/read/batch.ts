/**
 * What a scan hands out: batches of output rows in key order, column by column.
 *
 * @module
 */

import { type ColumnData, fromValues, kindOf } from "../columns/column_data.ts";
import type { ColumnType, Value } from "../format/schema.ts";
import { AzofError } from "../errors.ts";

/** One output column of a batch. */
export interface BatchColumn {
  /** Column name. */
  readonly name: string;
  /** Value type (`key` is a String, `event_time` a DateTime). */
  readonly type: ColumnType;
  /** Whether the column may hold nulls. */
  readonly nullable: boolean;
  /** Values: strings, `bigint` for Int, numbers for Float, ms numbers for DateTime, booleans; null. */
  readonly values: readonly Value[];
  /**
   * The same values in flat typed arrays, when the scan has them (every column of a merge scan):
   * strings as UTF-8 bytes and offsets (Arrow's layout), Int as a `BigInt64Array`, Float and
   * DateTime (ms) as a `Float64Array`, Boolean as bytes, nulls as a byte mask. Output writers copy
   * these and never make the JS values, which `values` then builds on first use.
   */
  readonly data?: ColumnData | undefined;
}

/** The most bytes of strings one column of a batch holds: what Arrow's 32-bit offsets address. */
export const MAX_STRING_BYTES = 2 ** 31 - 1;

/** A run of output rows in key order, column by column. */
export interface RowBatch {
  /** Number of rows. */
  readonly rows: number;
  /** The output columns, in output order. */
  readonly columns: readonly BatchColumn[];
}

/**
 * A batch column's values in flat typed arrays: its {@linkcode BatchColumn.data} when the scan has
 * them, else built from its values (the hash path's batches), so that writers take both kinds of
 * batch the same way.
 *
 * @example A column of values
 * ```ts
 * import { batchColumnData } from "./batch.ts";
 * import assert from "node:assert/strict";
 * const data = batchColumnData({ name: "n", type: "Int", nullable: true, values: [1n, null] });
 * assert.deepEqual([data.kind, data.nulls], ["i64", new Uint8Array([0, 1])]);
 * ```
 *
 * @param column The column.
 * @returns Its typed arrays.
 */
export function batchColumnData(column: BatchColumn): ColumnData {
  if (column.data) return column.data;
  if (column.type === "String") _checkBytes(column);
  return fromValues(column.values, kindOf(column.type));
}

/** Refuses strings of more bytes than Arrow's 32-bit offsets address (2 GiB - 1). */
function _checkBytes(column: BatchColumn): void {
  let bytes = 0;
  for (const value of column.values) if (typeof value === "string") bytes += value.length * 3;
  if (bytes <= MAX_STRING_BYTES) return;
  bytes = 0;
  for (const value of column.values) if (typeof value === "string") bytes += _utf8Length(value);
  if (bytes <= MAX_STRING_BYTES) return;
  throw new AzofError(
    "Unsupported",
    `Cannot write column ${column.name}: a batch of ${column.values.length} rows holds ${bytes} ` +
      `bytes of strings, more than the 2 GiB that 32-bit offsets address`,
  );
}

/** The UTF-8 length of a string. */
function _utf8Length(text: string): number {
  let n = text.length;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0x80) n += c >= 0x800 && (c < 0xd800 || c > 0xdfff) ? 2 : 1;
  }
  return n;
}
