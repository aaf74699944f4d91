/**
 * Row batches: validated input rows held as columns (a {@linkcode ColumnBuffer} whose columns are
 * `key`, `event_time`, the schema's columns, `_deleted`), the form the CSV reader produces and the
 * slot writers copy from, so that no object per row is made.
 *
 * @module
 */

import { ColumnBuffer } from "../columns/column_buffer.ts";
import type { Value } from "../format/schema.ts";
import type { ParquetColumn } from "../parquet/column.ts";
import type { WriteRow } from "./row.ts";
import { DELETED, EVENT_TIME, KEY, type Schema } from "../format/schema.ts";

/**
 * The columns of a row batch, which are also those of a data file holding deletions.
 *
 * @param schema The table schema.
 * @returns `key`, `event_time`, the schema's columns, `_deleted`.
 */
export function batchColumns(schema: Schema): ParquetColumn[] {
  return [
    { name: KEY, type: "String", nullable: false },
    { name: EVENT_TIME, type: "DateTime", nullable: false },
    ...schema.columns,
    { name: DELETED, type: "Boolean", nullable: false },
  ];
}

/**
 * Copies rows into a new batch.
 *
 * @param rows The rows.
 * @param schema The table schema.
 * @returns The batch, `length` set.
 *
 * @example Round trip a row
 * ```ts
 * import { batchFromRows, rowOfBatch } from "./row_batch.ts";
 * import assert from "node:assert/strict";
 * const schema = { columns: [{ name: "n", type: "Int" as const, nullable: true }] };
 * const row = { key: "a", eventTime: 5, values: [7n], deleted: false };
 * const batch = batchFromRows([row], schema);
 * assert.deepEqual(rowOfBatch(batch, 0, schema), row);
 * ```
 */
export function batchFromRows(rows: readonly WriteRow[], schema: Schema): ColumnBuffer {
  const batch = new ColumnBuffer(batchColumns(schema), Math.max(rows.length, 1));
  const last = schema.columns.length + 2;
  rows.forEach((row, r) => {
    batch.set(0, r, row.key);
    batch.set(1, r, row.eventTime);
    for (let i = 0; i < row.values.length; i++) batch.set(i + 2, r, row.values[i]!);
    batch.set(last, r, row.deleted);
  });
  batch.length = rows.length;
  return batch;
}

/**
 * Reads a row of a batch back as a row object (Int values as `bigint`).
 *
 * @param batch The batch.
 * @param row The row index.
 * @param schema The table schema.
 * @returns The row.
 */
export function rowOfBatch(batch: ColumnBuffer, row: number, schema: Schema): WriteRow {
  const values: Value[] = schema.columns.map((_, i) => batch.value(i + 2, row));
  return {
    key: batch.value(0, row) as string,
    eventTime: batch.value(1, row) as number,
    values,
    deleted: batch.value(schema.columns.length + 2, row) === true,
  };
}
