/**
 * The human-readable table printed on terminals: aligned columns, long cells shortened, control
 * characters shown visibly, `NULL` for nulls.
 *
 * @module
 */

import type { BatchColumn, RowBatch } from "../scan.ts";
import type { Sink } from "./sink.ts";
import { TextBuffer } from "./sink.ts";
import { valueText } from "./values.ts";

const _MAX_WIDTH = 40;

function _cell(column: BatchColumn, row: number): string {
  const value = column.values[row] ?? null;
  if (value === null) return "NULL";
  const text = valueText(value, column.type).replace(/\r\n|\n|\r/g, "↵").replace(/\t/g, " ");
  const chars = [...text];
  return chars.length > _MAX_WIDTH ? chars.slice(0, _MAX_WIDTH - 1).join("") + "…" : text;
}

function _pad(text: string, width: number, right: boolean): string {
  const fill = " ".repeat(Math.max(0, width - [...text].length));
  return right ? fill + text : text + fill;
}

/**
 * Writes batches as an aligned text table. Widths are measured on the first batch.
 *
 * @param names Column names.
 * @param batches The rows.
 * @param sink The destination.
 * @returns The number of rows written.
 */
export async function writeTextTable(
  names: readonly string[],
  batches: AsyncIterable<RowBatch>,
  sink: Sink,
): Promise<number> {
  const out = new TextBuffer(sink);
  let widths: number[] | undefined;
  let rows = 0;
  for await (const batch of batches) {
    const cells = batch.columns.map((column) => {
      const col: string[] = [];
      for (let r = 0; r < batch.rows; r++) col.push(_cell(column, r));
      return col;
    });
    const right = batch.columns.map((c) => c.type === "Int" || c.type === "Float");
    if (!widths) {
      widths = names.map((name, i) =>
        Math.max([...name].length, ...cells[i]!.map((c) => [...c].length))
      );
      out.append(names.map((n, i) => _pad(n, widths![i]!, right[i]!)).join("  ").trimEnd() + "\n");
      out.append(widths.map((w) => "-".repeat(w)).join("  ") + "\n");
    }
    for (let r = 0; r < batch.rows; r++) {
      const line = cells.map((col, i) => _pad(col[r]!, widths![i]!, right[i]!)).join("  ")
        .trimEnd();
      if (out.append(line + "\n")) await out.flush();
    }
    rows += batch.rows;
  }
  if (!widths) {
    out.append(names.join("  ") + "\n");
  }
  out.append(`(${rows} ${rows === 1 ? "row" : "rows"})\n`);
  await out.flush();
  return rows;
}
