/**
 * The text form of golden answers (`testdata/<table>/expected/*.csv`): a header, one line per row
 * in key order, DateTime and `event_time` as `YYYY-MM-DDTHH:mm:ss.sssZ`, null as an empty field,
 * fields quoted as RFC 4180 says when they hold a comma, quote or line break.
 *
 * @module
 */

import type { ColumnType } from "../format/schema.ts";
import type { Cell } from "./cells.ts";

/** A column of a golden answer. */
export interface CsvColumn {
  /** Column name, written in the header. */
  readonly name: string;
  /** Its type; DateTime cells are ms numbers written as RFC 3339. */
  readonly type: ColumnType;
}

/**
 * Renders rows as golden CSV text.
 *
 * @param columns The columns, in output order.
 * @param rows The rows as cells.
 * @returns The text, each line ended by `\n`.
 */
export function csvText(columns: readonly CsvColumn[], rows: readonly (readonly Cell[])[]): string {
  const lines = [columns.map((c) => _field(c.name)).join(",")];
  for (const row of rows) {
    lines.push(row.map((v, i) => _field(_text(v, columns[i]!.type))).join(","));
  }
  return lines.join("\n") + "\n";
}

function _text(value: Cell, type: ColumnType): string {
  if (value === null) return "";
  if (type === "DateTime") return new Date(value as number).toISOString();
  return String(value);
}

function _field(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}
