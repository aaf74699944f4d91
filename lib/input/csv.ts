/**
 * CSV input of the write path: a header row naming the columns (in any order), then one row per
 * line. An unquoted empty field is null; a quoted empty field (`""`) is the empty string.
 *
 * @module
 */

import { type CsvRecord, CsvRecordReader } from "./csv_records.ts";
import {
  floatAt,
  floatBytesAt,
  instantAt,
  instantBytesAt,
  intAt,
  intBytesAt,
} from "./csv_values.ts";
import { ColumnBuffer } from "../columns/column_buffer.ts";
import type { Value } from "../format/schema.ts";
import {
  checkKey,
  deletionFiller,
  inputError,
  instantFromText,
  unknownColumn,
  valueFromText,
  type WriteRow,
} from "./row.ts";
import { batchColumns, rowOfBatch } from "./row_batch.ts";
import { type Column, DELETED, EVENT_TIME, KEY, type Schema } from "../format/schema.ts";

/** Options of {@linkcode csvRows}. */
export interface CsvOptions {
  /** Column names when the input has no header row (upstream `gen` CSVs). */
  readonly columns?: readonly string[] | undefined;
  /** The most bytes one line or record may hold (default and documented limit: 16 MiB). */
  readonly maxRecordBytes?: number | undefined;
}

/**
 * Parses and validates CSV rows against a schema, streaming.
 *
 * @param input The CSV bytes, in pieces (a `ReadableStream` or any async iterable).
 * @param schema The table schema.
 * @param options Column names for headerless input.
 * @returns The rows, in input order.
 * @throws {AzofError} `InputInvalid` naming the line and column of the first bad field.
 *
 * @example Parse two rows
 * ```ts
 * import { csvRows } from "../../mod.ts";
 * import assert from "node:assert/strict";
 * const text = "key,event_time,price\na,2024-01-01,1.5\nb,2024-01-02,\n";
 * const schema = { columns: [{ name: "price", type: "Float" as const, nullable: true }] };
 * const rows = await Array.fromAsync(csvRows(ReadableStream.from([new TextEncoder().encode(text)]), schema));
 * assert.deepEqual(rows.map((r) => r.values), [[1.5], [null]]);
 * ```
 */
export async function* csvRows(
  input: AsyncIterable<Uint8Array>,
  schema: Schema,
  options: CsvOptions = {},
): AsyncGenerator<WriteRow> {
  for await (const batch of csvBatches(input, schema, options)) {
    for (let i = 0; i < batch.length; i++) yield rowOfBatch(batch, i, schema);
  }
}

/**
 * Like {@linkcode csvRows}, as row batches (lib/input/row_batch.ts: the rows of each piece of input read,
 * in columns), which `writeValidated` also takes and which saves an object per row. A batch is
 * reused for the next one (valid until the next is asked for) unless it was moved to another thread
 * ({@linkcode ColumnBuffer.message}).
 *
 * @param input The CSV bytes, in pieces (a leading UTF-8 byte order mark is skipped).
 * @param schema The table schema.
 * @param options Column names for headerless input.
 * @returns Batches of rows, in input order.
 * @throws {AzofError} `InputInvalid` naming the line and column of the first bad field.
 */
export async function* csvBatches(
  input: AsyncIterable<Uint8Array>,
  schema: Schema,
  options: CsvOptions = {},
): AsyncGenerator<ColumnBuffer> {
  let layout = options.columns ? _layout([...options.columns], schema, "line 1") : undefined;
  const columns = batchColumns(schema);
  let batch = new ColumnBuffer(columns);
  const sink = (record: CsvRecord, line: number) => {
    if (!layout) {
      layout = _layout(record.fields().map((f) => f ?? ""), schema, `header line ${line}`);
    } else if (record.count !== layout.names.length) {
      inputError(
        `line ${line}`,
        `malformed CSV: Invalid Record Length: expected ${layout.names.length} fields, found ${record.count}`,
      );
    } else {
      batch.reserve(batch.length + 1);
      _rowAt(record, layout, schema, line, batch);
      batch.length++;
    }
  };
  const reader = new CsvRecordReader({
    names: () => layout?.names,
    maxRecordBytes: options.maxRecordBytes,
  });
  let failure: unknown;
  const feed = (bytes: Uint8Array, final: boolean) => {
    try {
      reader.feedBytes(bytes, final, sink);
    } catch (error) {
      failure = error;
    }
  };
  for await (const chunk of input) {
    feed(chunk, false);
    if (batch.length > 0) yield batch;
    // Reused, unless its arrays were moved to another thread (lib/input/csv_worker.ts).
    if (batch.detached) batch = new ColumnBuffer(columns, batch.length);
    else batch.clear();
    if (failure !== undefined) throw failure;
  }
  feed(new Uint8Array(0), true);
  if (batch.length > 0) yield batch;
  if (failure !== undefined) throw failure;
}

interface _Layout {
  names: string[];
  key: number;
  eventTime: number;
  deleted: number;
  columns: number[];
}

function _layout(names: string[], schema: Schema, where: string): _Layout {
  const index = new Map<string, number>();
  names.forEach((name, i) => {
    if (index.has(name)) inputError(where, `column "${name}" appears twice`);
    if (name !== KEY && name !== EVENT_TIME && name !== DELETED) {
      if (!schema.columns.some((c) => c.name === name)) unknownColumn(where, name, schema);
    }
    index.set(name, i);
  });
  for (const required of [KEY, EVENT_TIME]) {
    if (!index.has(required)) inputError(where, `column "${required}" is missing`);
  }
  const columns = schema.columns.map((c) => {
    const i = index.get(c.name);
    if (i === undefined && !c.nullable) {
      inputError(where, `column "${c.name}" is missing (it is not nullable)`);
    }
    return i ?? -1;
  });
  return {
    names,
    key: index.get(KEY)!,
    eventTime: index.get(EVENT_TIME)!,
    deleted: index.get(DELETED) ?? -1,
    columns,
  };
}

/** Sets a batch row, naming the line only when it is bad (so good rows cost no message text). */
function _rowAt(
  record: CsvRecord,
  layout: _Layout,
  schema: Schema,
  line: number,
  batch: ColumnBuffer,
): void {
  try {
    _row(record, layout, schema, "", batch);
  } catch {
    _row(record, layout, schema, `line ${line}`, batch);
  }
}

function _row(
  record: CsvRecord,
  layout: _Layout,
  schema: Schema,
  where: string,
  batch: ColumnBuffer,
): void {
  const row = batch.length;
  const et = _fast(record, layout.eventTime, "DateTime");
  if (typeof et === "number") batch.set(1, row, et);
  else {
    const text = record.field(layout.eventTime);
    if (text === null || text === "") {
      inputError(where, `column "event_time": a timestamp is required`);
    }
    batch.set(1, row, instantFromText(text, where, `column "event_time"`));
  }
  const flag = layout.deleted < 0 ? null : record.field(layout.deleted);
  const deleted = flag === null ? false : valueFromText(flag, _DELETED, where) === true;
  const columns = schema.columns;
  for (let i = 0; i < columns.length; i++) {
    const c = columns[i]!;
    const at = layout.columns[i]!;
    if (at >= 0 && c.type === "String" && _bytesAt(record, at, batch, i + 2, row)) continue;
    const fast = at < 0 ? undefined : _fast(record, at, c.type);
    if (fast !== undefined) {
      batch.set(i + 2, row, fast);
      continue;
    }
    const field = at < 0 ? null : record.field(at);
    const missing = field === null || (field === "" && c.type !== "String");
    batch.set(i + 2, row, deleted && missing ? deletionFiller(c) : valueFromText(field, c, where));
  }
  if (!_bytesAt(record, layout.key, batch, 0, row)) {
    batch.set(0, row, checkKey(record.field(layout.key) ?? "", where));
  }
  batch.set(columns.length + 2, row, deleted);
}

/** A non-empty unquoted field of a record split on bytes, copied as a `String`; else `false`. */
function _bytesAt(
  record: CsvRecord,
  at: number,
  batch: ColumnBuffer,
  column: number,
  row: number,
): boolean {
  const bytes = record.bytes;
  const from = record.starts[at]!;
  const to = record.ends[at]!;
  if (bytes === undefined || from === to || record.quoted[at] !== undefined) return false;
  batch.setBytes(column, row, bytes, from, to);
  return true;
}

/** A non-empty unquoted field in a common form, converted where it lies; else `undefined`. */
function _fast(record: CsvRecord, at: number, type: Column["type"]): Value | undefined {
  if (record.quoted[at] !== undefined) return undefined;
  const from = record.starts[at]!;
  const to = record.ends[at]!;
  if (from === to) return undefined;
  const bytes = record.bytes;
  if (bytes !== undefined) {
    switch (type) {
      case "Int":
        return intBytesAt(bytes, from, to);
      case "Float":
        return floatBytesAt(bytes, from, to);
      case "DateTime":
        return instantBytesAt(bytes, from, to);
      default:
        return undefined;
    }
  }
  switch (type) {
    case "String":
      return record.text.slice(from, to);
    case "Int":
      return intAt(record.text, from, to);
    case "Float":
      return floatAt(record.text, from, to);
    case "DateTime":
      return instantAt(record.text, from, to);
    default:
      return undefined;
  }
}

const _DELETED = { name: DELETED, type: "Boolean" as const, nullable: true };
