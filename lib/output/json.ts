/**
 * JSON outputs: NDJSON (one object per line) and a JSON array of objects.
 *
 * @module
 */

import type { RowBatch } from "../read/batch.ts";
import type { Sink } from "./sink.ts";
import { TextBuffer } from "./sink.ts";
import { valueJson } from "./values.ts";

/**
 * Writes batches as JSON objects, one per line (`ndjson`) or as one array (`json`). Int values are
 * written as exact integer literals, which parsers that read numbers as doubles may round.
 *
 * @param batches The rows.
 * @param sink The destination.
 * @param options `array: true` for a JSON array instead of lines.
 * @returns The number of rows written.
 */
export async function writeJson(
  batches: AsyncIterable<RowBatch>,
  sink: Sink,
  options: { array?: boolean } = {},
): Promise<number> {
  const out = new TextBuffer(sink);
  const array = options.array ?? false;
  if (array) out.append("[");
  let rows = 0;
  for await (const batch of batches) {
    const names = batch.columns.map((c) => JSON.stringify(c.name) + ":");
    for (let r = 0; r < batch.rows; r++) {
      let line = array ? (rows + r === 0 ? "\n" : ",\n") : "";
      line += "{";
      for (let c = 0; c < batch.columns.length; c++) {
        const column = batch.columns[c]!;
        line += (c > 0 ? "," : "") + names[c] + valueJson(column.values[r] ?? null, column.type);
      }
      line += array ? "}" : "}\n";
      if (out.append(line)) await out.flush();
    }
    rows += batch.rows;
  }
  if (array) out.append(rows === 0 ? "]\n" : "\n]\n");
  await out.flush();
  return rows;
}
