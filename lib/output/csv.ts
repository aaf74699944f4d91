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
import type { Value } from "../data_file.ts";
import type { ColumnType } from "../schema.ts";
import { formatInstant } from "../time.ts";

const _NEEDS_QUOTES = /[",\n\r]/;

/**
 * Quotes a CSV field when it holds a comma, quote, CR or LF (doubling quotes), or is empty.
 *
 * @param text The field text.
 * @returns The field as written.
 */
export function csvField(text: string): string {
  if (text === "") return '""';
  return _NEEDS_QUOTES.test(text) || !_plainEnds(text) && text.trim() !== text
    ? `"${text.replaceAll('"', '""')}"`
    : text;
}

/** Whether both ends are printable ASCII other than space, so `trim()` cannot change the text. */
function _plainEnds(text: string): boolean {
  const a = text.charCodeAt(0);
  const b = text.charCodeAt(text.length - 1);
  return a > 32 && a < 127 && b > 32 && b < 127;
}

/** How a non-null value of each type becomes a CSV field. */
function _fieldOf(type: ColumnType): (value: Exclude<Value, null>) => string {
  switch (type) {
    case "String":
      return (v) => csvField(v as string);
    case "DateTime":
      return (v) => formatInstant(v as number);
    case "Int":
    case "Boolean":
      return String;
    default:
      return (v) => csvField(valueText(v, type));
  }
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
    const columns = batch.columns.map((c) => c.values);
    const fields = batch.columns.map((c) => _fieldOf(c.type));
    for (let r = 0; r < batch.rows; r++) {
      let line = "";
      for (let c = 0; c < columns.length; c++) {
        const value = columns[c]![r] ?? null;
        if (c > 0) line += ",";
        if (value !== null) line += fields[c]!(value);
      }
      if (out.append(line + "\n")) await out.flush();
    }
    rows += batch.rows;
  }
  await out.flush();
  return rows;
}
