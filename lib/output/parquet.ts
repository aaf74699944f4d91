/**
 * Parquet output: the scan's columns with azof's types, one row group per batch; every column but
 * `key` and `event_time` is `OPTIONAL` (see {@linkcode exportNullable}). Each batch's typed columns
 * go to the encoder as they are (strings as UTF-8 bytes), without a JS value per row.
 *
 * @module
 */

import { FastParquetWriter } from "../parquet/encode.ts";
import type { TypedColumn } from "../columns/column_buffer.ts";
import type { ColumnData } from "../columns/column_data.ts";
import { type BatchColumn, batchColumnData, type RowBatch } from "../read/batch.ts";
import type { Sink } from "./sink.ts";
import { exportNullable } from "../format/schema.ts";

/**
 * Writes batches as one Parquet file.
 *
 * @param columns The output columns.
 * @param batches The rows.
 * @param sink The destination.
 * @returns The number of rows written.
 */
export async function writeParquet(
  columns: readonly Omit<BatchColumn, "values">[],
  batches: AsyncIterable<RowBatch>,
  sink: Sink,
): Promise<number> {
  const fields = columns.map((c) => ({ ...c, nullable: exportNullable(c.name) }));
  const writer = new FastParquetWriter(fields, (bytes) => sink.write(bytes));
  for await (const batch of batches) {
    const typed = batch.columns.map((c) => _typed(batchColumnData(c), c.type));
    await writer.writeColumns(typed, batch.rows);
  }
  await writer.finish();
  return writer.rows;
}

/** A batch column as the encoder reads it: strings as start and length per row. */
function _typed(column: ColumnData, type: BatchColumn["type"]): TypedColumn {
  if (column.kind !== "utf8") {
    return {
      type,
      data: column.values,
      starts: undefined,
      lengths: undefined,
      nulls: column.nulls,
    };
  }
  const { offsets } = column;
  const lengths = new Int32Array(offsets.length - 1);
  for (let i = 0; i < lengths.length; i++) lengths[i] = offsets[i + 1]! - offsets[i]!;
  return { type, data: column.bytes, starts: offsets, lengths, nulls: column.nulls };
}
