/**
 * `checkTable()`: an integrity check of a table snapshot, like SQLite's `integrity_check` or fsck.
 * Every data file the snapshot names must exist, open (footer checksum, schema), and decode (page
 * CRCs, values against the footer); its event times must lie in the range its segment or delta
 * declares and within its footer statistics; its keys within its footer's key statistics; and a
 * column declared non-nullable must hold no null. Each problem names the file.
 *
 * @module
 */

import { type SegmentVisit, walkSegments } from "../format/segments.ts";
import type { ColumnData } from "../columns/column_data.ts";
import { type DataFile, type DecodedRowGroup, openDataFile } from "../parquet/data_file.ts";
import { AzofError } from "../errors.ts";
import type { Schema } from "../format/schema.ts";
import type { Table } from "../format/table.ts";
import { formatInstant } from "../format/time.ts";

/** Options of {@linkcode checkTable}. */
export interface CheckOptions {
  /** The snapshot to check; the newest when omitted. */
  readonly version?: number | undefined;
}

/** One problem {@linkcode checkTable} found. */
export interface CheckProblem {
  /** The data file, relative to the table folder. */
  readonly file: string;
  /** What is wrong, naming the file. */
  readonly message: string;
}

/** What {@linkcode checkTable} found. */
export interface CheckResult {
  /** The snapshot checked. */
  readonly version: number;
  /** Data files checked. */
  readonly files: number;
  /** Rows decoded. */
  readonly rows: number;
  /** Problems, in file order; empty when the table is sound. */
  readonly problems: readonly CheckProblem[];
}

/** The event-time range a file's rows must lie in. */
interface _Expected {
  readonly file: string;
  /** Smallest allowed event time (ms), or -Infinity. */
  readonly from: number;
  /** Greatest allowed event time (ms), or Infinity. */
  readonly to: number;
  /** What the range is, for messages. */
  readonly what: string;
}

/**
 * Checks every data file of a snapshot.
 *
 * @example Check a fresh table
 * ```ts
 * import { appendRows, checkTable, createTable } from "../../mod.ts";
 * import assert from "node:assert/strict";
 * const root = await Deno.makeTempDir();
 * const table = await createTable(root, "t", { columns: [{ name: "n", type: "Int", nullable: false }] });
 * await appendRows(table, [{ key: "a", event_time: 0, n: 1n }]);
 * const result = await checkTable(table);
 * assert.deepEqual(result.problems, []);
 * assert.equal(result.rows, 1);
 * await Deno.remove(root, { recursive: true });
 * ```
 *
 * @param table The table.
 * @param options The snapshot to check.
 * @returns The files and rows checked and the problems found.
 * @throws {AzofError} When the snapshot itself cannot be read.
 */
export async function checkTable(table: Table, options: CheckOptions = {}): Promise<CheckResult> {
  const snapshot = await table.snapshot(options.version);
  const expected = [...walkSegments(snapshot.segments)].flatMap(_files);
  const problems: CheckProblem[] = [];
  let rows = 0;
  for (const e of expected) {
    const found: string[] = [];
    try {
      rows += await _checkFile(table, snapshot.schema, e, found);
    } catch (error) {
      if (!(error instanceof AzofError)) throw error;
      found.push(error.message);
    }
    for (const message of found) {
      problems.push({
        file: e.file,
        message: message.includes(e.file) ? message : `${e.file}: ${message}`,
      });
    }
  }
  return { version: snapshot.version, files: expected.length, rows, problems };
}

function _files({ segment, ancestors }: SegmentVisit): _Expected[] {
  const id = [...ancestors, segment].map((s) => s.id).join("/");
  const out: _Expected[] = [];
  if (segment.base) {
    out.push({
      file: segment.base,
      from: -Infinity,
      to: segment.start,
      what: `the base of segment ${id} (at most its start ${formatInstant(segment.start)})`,
    });
  }
  for (const d of segment.deltas) {
    out.push({
      file: d.file,
      from: d.start,
      to: d.end,
      what: `its delta range [${formatInstant(d.start)}, ${formatInstant(d.end)}] in segment ${id}`,
    });
  }
  return out;
}

async function _checkFile(
  table: Table,
  schema: Schema,
  expected: _Expected,
  found: string[],
): Promise<number> {
  const file = await openDataFile(table, expected.file, schema, { decoder: "hyparquet" });
  const columns = schema.columns.map((c) => c.name);
  const nulls = new Map<string, number>();
  for (let index = 0; index < file.rowGroups.length; index++) {
    const group = await file.readRowGroup(index, columns);
    _checkTimes(file, index, group, expected, found);
    _checkKeys(file, index, group, found);
    for (const column of schema.columns) {
      if (column.nullable) continue;
      const count = _nullCount(group.columns.get(column.name)!);
      if (count > 0) nulls.set(column.name, (nulls.get(column.name) ?? 0) + count);
    }
  }
  for (const [name, count] of nulls) {
    found.push(
      `column "${name}" is declared non-nullable but ${
        count.toLocaleString("en-US")
      } rows are null`,
    );
  }
  return file.rows;
}

function _checkTimes(
  file: DataFile,
  index: number,
  group: DecodedRowGroup,
  expected: _Expected,
  found: string[],
): void {
  let min = Infinity;
  let max = -Infinity;
  for (const t of group.eventTime) {
    if (t < min) min = t;
    if (t > max) max = t;
  }
  if (group.rows === 0) return;
  if (min < expected.from || max > expected.to) {
    const bad = min < expected.from ? min : max;
    found.push(`row group ${index}: event_time ${formatInstant(bad)} is outside ${expected.what}`);
  }
  const info = file.rowGroups[index]!;
  if (
    (info.minEventTime !== undefined && min < info.minEventTime) ||
    (info.maxEventTime !== undefined && max > info.maxEventTime)
  ) {
    found.push(
      `row group ${index}: event_time spans ${formatInstant(min)} to ${
        formatInstant(max)
      }, outside its footer statistics`,
    );
  }
}

function _checkKeys(file: DataFile, index: number, group: DecodedRowGroup, found: string[]): void {
  const info = file.rowGroups[index]!;
  if (info.minKey === undefined && info.maxKey === undefined) return;
  const encoder = new TextEncoder();
  const min = info.minKey === undefined ? undefined : encoder.encode(info.minKey);
  const max = info.maxKey === undefined ? undefined : encoder.encode(info.maxKey);
  const { offsets, bytes } = group.key;
  for (let i = 0; i < group.rows; i++) {
    const key = bytes.subarray(offsets[i], offsets[i + 1]);
    if ((min && _compare(key, min) < 0) || (max && _compare(key, max) > 0)) {
      const text = new TextDecoder().decode(key);
      found.push(`row group ${index}: key "${text}" is outside its footer statistics`);
      return;
    }
  }
}

function _compare(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return a.length - b.length;
}

function _nullCount(data: ColumnData): number {
  let count = 0;
  if (data.nulls) { for (const n of data.nulls) count += n; }
  return count;
}
