/**
 * CSV output: a header row, RFC 4180 quoting, `\n` line ends, null as an empty field and the empty
 * string as `""`.
 *
 * @module
 */

import type { RowBatch } from "../scan.ts";
import type { Sink } from "./sink.ts";
import { TextBuffer } from "./sink.ts";
import { valueText } from "./values.ts";

const _NEEDS_QUOTES = /[",\n\r]/;

/**
 * Quotes a CSV field when it holds a comma, quote, CR or LF (doubling quotes), or is empty.
 *
 * @param text The field text.
 * @returns The field as written.
 */
export function csvField(text: string): string {
  if (text === "") return '""';
  return _NEEDS_QUOTES.test(text) || text.trim() !== text
    ? `"${text.replaceAll('"', '""')}"`
    : text;
}

/**
 * Writes batches as CSV.
 *
 * @param names Column names for the header.
 * @param batches The rows.
 * @param sink The destination.
 * @returns The number of rows written.
 */
export async function writeCsv(
  names: readonly string[],
  batches: AsyncIterable<RowBatch>,
  sink: Sink,
): Promise<number> {
  const out = new TextBuffer(sink);
  out.append(names.map(csvField).join(",") + "\n");
  let rows = 0;
  for await (const batch of batches) {
    const columns = batch.columns;
    for (let r = 0; r < batch.rows; r++) {
      let line = "";
      for (let c = 0; c < columns.length; c++) {
        const column = columns[c]!;
        const value = column.values[r] ?? null;
        if (c > 0) line += ",";
        if (value !== null) line += csvField(valueText(value, column.type));
      }
      if (out.append(line + "\n")) await out.flush();
    }
    rows += batch.rows;
  }
  await out.flush();
  return rows;
}
