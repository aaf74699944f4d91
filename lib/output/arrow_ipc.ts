/**
 * Arrow IPC stream output (the format `pyarrow.ipc.open_stream` and DuckDB's arrow extension read).
 *
 * @module
 */

import { RecordBatchStreamWriter } from "npm:apache-arrow@21.2.0";
import { arrowSchema, toRecordBatch } from "../read/arrow.ts";
import type { BatchColumn, RowBatch } from "../read/batch.ts";
import type { Sink } from "./sink.ts";

/**
 * Writes batches as an Arrow IPC stream.
 *
 * @param columns The output columns.
 * @param batches The rows.
 * @param sink The destination.
 * @returns The number of rows written.
 */
export async function writeArrowIpc(
  columns: readonly Omit<BatchColumn, "values">[],
  batches: AsyncIterable<RowBatch>,
  sink: Sink,
): Promise<number> {
  const schema = arrowSchema(columns);
  const writer = new RecordBatchStreamWriter();
  const pump = (async () => {
    for await (const chunk of writer) await sink.write(chunk);
  })();
  writer.reset(undefined, schema);
  let rows = 0;
  try {
    for await (const batch of batches) {
      writer.write(toRecordBatch(schema, batch));
      rows += batch.rows;
    }
  } finally {
    writer.close();
  }
  await pump;
  return rows;
}
