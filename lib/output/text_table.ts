/**
 * The human-readable table printed on terminals: aligned columns, long cells shortened with `…`,
 * control characters shown visibly, `NULL` for nulls. On a terminal the lines fit its width and only
 * the first and last rows are shown, with a `N rows (M shown)` footer, as DuckDB's CLI does.
 *
 * @module
 */

import type { BatchColumn, RowBatch } from "../read/batch.ts";
import type { Sink } from "./sink.ts";
import { TextBuffer } from "./sink.ts";
import { valueText } from "./values.ts";

const _MAX_WIDTH = 40;
const _MIN_WIDTH = 6;
const _GAP = 2;

/** Options of {@linkcode writeTextTable}. */
export interface TextTableOptions {
  /** Fit every line into this many characters (a terminal's width); no limit when omitted. */
  readonly width?: number | undefined;
  /** Show at most this many rows, the first and the last halves; every row when omitted. */
  readonly maxRows?: number | undefined;
}

function _shorten(text: string, width: number): string {
  const chars = [...text];
  return chars.length > width ? chars.slice(0, Math.max(0, width - 1)).join("") + "…" : text;
}

function _cell(column: BatchColumn, row: number): string {
  const value = column.values[row] ?? null;
  if (value === null) return "NULL";
  const text = valueText(value, column.type).replace(/\r\n|\n|\r/g, "↵").replace(/\t/g, " ");
  return _shorten(text, _MAX_WIDTH);
}

function _pad(text: string, width: number, right: boolean, fit: boolean): string {
  const fitted = fit ? _shorten(text, width) : text;
  const fill = " ".repeat(Math.max(0, width - [...fitted].length));
  return right ? fill + fitted : fitted + fill;
}

/**
 * Narrows column widths to fit `limit` characters: the widest text column loses a character at a
 * time, down to 6, then the widest numeric one (numbers are cut last); columns that still do not
 * fit are left out from the right (the caller adds `…`).
 *
 * @returns The widths of the columns kept.
 */
function _fit(
  widths: readonly number[],
  numeric: readonly boolean[],
  limit: number | undefined,
): number[] {
  const out = [...widths];
  if (limit === undefined) return out;
  const total = (w: readonly number[]) => w.reduce((sum, x) => sum + x, 0) + _GAP * (w.length - 1);
  const widest = (text: boolean) =>
    out.reduce((best, w, i) => (numeric[i] === !text && w > (out[best] ?? 0) ? i : best), -1);
  while (total(out) > limit) {
    const text = widest(true);
    const i = text >= 0 && out[text]! > _MIN_WIDTH ? text : widest(false);
    if (i < 0 || out[i]! <= _MIN_WIDTH) break;
    out[i]!--;
  }
  if (total(out) <= limit) return out;
  do out.pop(); while (out.length > 1 && total(out) + _GAP + 1 > limit);
  return out;
}

function _rowCells(batch: RowBatch, r: number): string[] {
  return batch.columns.map((column) => _cell(column, r));
}

/** Lays out and writes rows once the widths are known. */
class _Layout {
  readonly widths: number[];
  readonly #right: readonly boolean[];
  readonly #cut: boolean;
  readonly #fit: boolean;

  constructor(
    names: readonly string[],
    right: readonly boolean[],
    rows: string[][],
    limit?: number,
  ) {
    const natural = names.map((name, i) =>
      Math.max([...name].length, ...rows.map((cells) => [...cells[i]!].length))
    );
    this.widths = _fit(natural, right, limit);
    this.#right = right;
    this.#cut = this.widths.length < names.length;
    this.#fit = limit !== undefined;
  }

  line(cells: readonly string[]): string {
    const shown = this.widths.map((w, i) => _pad(cells[i]!, w, this.#right[i]!, this.#fit));
    return (this.#cut ? [...shown, "…"] : shown).join("  ").trimEnd() + "\n";
  }

  rule(): string {
    return this.widths.map((w) => "-".repeat(w)).join("  ") + (this.#cut ? "  …" : "") + "\n";
  }
}

/**
 * Writes batches as an aligned text table: every row with widths measured on the first batch, or,
 * with `maxRows`, the first and last rows with widths measured on them.
 *
 * @param names Column names.
 * @param batches The rows.
 * @param sink The destination.
 * @param options Terminal width and the rows to show.
 * @returns The number of rows written.
 *
 * @example A 60-row answer on a 30-column terminal, 6 rows shown
 * ```ts
 * import { writeTextTable } from "./text_table.ts";
 * import assert from "node:assert/strict";
 * const key = Array.from({ length: 60 }, (_, i) => `key-${i}`);
 * const note = key.map(() => "a long note that does not fit");
 * const batch = {
 *   rows: 60,
 *   columns: [
 *     { name: "key", type: "String" as const, nullable: false, values: key },
 *     { name: "note", type: "String" as const, nullable: false, values: note },
 *   ],
 * };
 * let text = "";
 * const sink = { write: (b: Uint8Array) => Promise.resolve(void (text += new TextDecoder().decode(b))) };
 * await writeTextTable(["key", "note"], [batch], sink, { width: 30, maxRows: 6 });
 * assert.ok(text.split("\n").every((line) => line.length <= 30));
 * assert.match(text, /^key-59  a long note that does…$/m);
 * assert.match(text, /^60 rows \(6 shown\)$/m);
 * ```
 */
export async function writeTextTable(
  names: readonly string[],
  batches: AsyncIterable<RowBatch> | Iterable<RowBatch>,
  sink: Sink,
  options: TextTableOptions = {},
): Promise<number> {
  return options.maxRows === undefined
    ? await _writeAll(names, batches, sink, options.width)
    : await _writeEnds(names, batches, sink, options.maxRows, options.width);
}

function _numeric(batch: RowBatch): boolean[] {
  return batch.columns.map((c) => c.type === "Int" || c.type === "Float");
}

function _footer(rows: number, shown: number): string {
  const total = `${rows.toLocaleString("en-US")} ${rows === 1 ? "row" : "rows"}`;
  return shown < rows ? `${total} (${shown.toLocaleString("en-US")} shown)\n` : `(${total})\n`;
}

async function _writeAll(
  names: readonly string[],
  batches: AsyncIterable<RowBatch> | Iterable<RowBatch>,
  sink: Sink,
  width: number | undefined,
): Promise<number> {
  const out = new TextBuffer(sink);
  let layout: _Layout | undefined;
  let rows = 0;
  for await (const batch of batches) {
    const cells = Array.from({ length: batch.rows }, (_, r) => _rowCells(batch, r));
    if (!layout) {
      layout = new _Layout(names, _numeric(batch), cells, width);
      out.append(layout.line(names) + layout.rule());
    }
    for (const row of cells) if (out.append(layout.line(row))) await out.flush();
    rows += batch.rows;
  }
  if (!layout) out.append(names.join("  ") + "\n");
  out.append(`(${rows} ${rows === 1 ? "row" : "rows"})\n`);
  await out.flush();
  return rows;
}

async function _writeEnds(
  names: readonly string[],
  batches: AsyncIterable<RowBatch> | Iterable<RowBatch>,
  sink: Sink,
  maxRows: number,
  width: number | undefined,
): Promise<number> {
  const headRows = Math.ceil(maxRows / 2);
  const tailRows = maxRows - headRows;
  const head: string[][] = [];
  const last: [RowBatch, number][] = [];
  let right: boolean[] = names.map(() => false);
  let rows = 0;
  for await (const batch of batches) {
    right = _numeric(batch);
    let r = 0;
    for (; r < batch.rows && head.length < headRows; r++) head.push(_rowCells(batch, r));
    for (r = Math.max(r, batch.rows - tailRows); r < batch.rows; r++) {
      if (last.length === tailRows) last.shift();
      last.push([batch, r]);
    }
    rows += batch.rows;
  }
  const tail = last.map(([batch, r]) => _rowCells(batch, r));
  const layout = new _Layout(names, right, [...head, ...tail], width);
  const out = new TextBuffer(sink);
  out.append(layout.line(names) + layout.rule());
  for (const row of head) out.append(layout.line(row));
  if (rows > head.length + tail.length) out.append(layout.line(layout.widths.map(() => "·")));
  for (const row of tail) out.append(layout.line(row));
  out.append(_footer(rows, head.length + tail.length));
  await out.flush();
  return rows;
}
