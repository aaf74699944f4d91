/**
 * Parquet output: the scan's columns with azof's types, one row group per batch; every column but
 * `key` and `event_time` is `OPTIONAL` (see {@linkcode exportNullable}).
 *
 * @module
 */

import { FastParquetWriter } from "../parquet/encode.ts";
import type { BatchColumn, RowBatch } from "../read/batch.ts";
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
  for await (const batch of batches) await writer.writeRowGroup(batch.columns.map((c) => c.values));
  await writer.finish();
  return writer.rows;
}
