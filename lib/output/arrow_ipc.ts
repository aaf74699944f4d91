/**
 * Arrow IPC stream output (the format `pyarrow.ipc.open_stream` and DuckDB's arrow extension read),
 * written batch by batch: each scan batch becomes a record batch over its typed columns (no JS value
 * per row), whose bytes reach the sink before the next batch is read, so memory holds one batch.
 *
 * @module
 */

import { AsyncByteQueue, RecordBatchStreamWriter } from "npm:apache-arrow@21.2.0";
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
  const pending = new _Pending();
  const writer = new RecordBatchStreamWriter();
  writer.reset(pending, schema);
  let rows = 0;
  for await (const batch of batches) {
    writer.write(toRecordBatch(schema, batch));
    rows += batch.rows;
    await sink.write(pending.take());
  }
  writer.close();
  await sink.write(pending.take());
  return rows;
}

/**
 * The writer's byte queue, kept by the caller: the pieces of the messages written since the last
 * {@linkcode _Pending.take} (Arrow's own queue would hold them until an async reader drains it).
 */
class _Pending extends AsyncByteQueue {
  #parts: Uint8Array[] = [];
  #length = 0;

  override write(value: Uint8Array): void {
    this.#parts.push(value);
    this.#length += value.byteLength;
  }

  /** The pieces written so far, in one buffer; the queue starts again empty. */
  take(): Uint8Array {
    const out = new Uint8Array(this.#length);
    let at = 0;
    for (const part of this.#parts) {
      out.set(part, at);
      at += part.byteLength;
    }
    this.#parts = [];
    this.#length = 0;
    return out;
  }
}
