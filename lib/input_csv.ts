/**
 * CSV input of the write path: a header row naming the columns (in any order), then one row per
 * line. An unquoted empty field is null; a quoted empty field (`""`) is the empty string.
 *
 * @module
 */

import { CsvRecordReader } from "./csv_records.ts";
import {
  checkKey,
  deletionFiller,
  inputError,
  instantFromText,
  unknownColumn,
  valueFromText,
  type WriteRow,
} from "./row.ts";
import { DELETED, EVENT_TIME, KEY, type Schema } from "./schema.ts";

/** Options of {@linkcode csvRows}. */
export interface CsvOptions {
  /** Column names when the input has no header row (upstream `gen` CSVs). */
  readonly columns?: readonly string[] | undefined;
}

/**
 * Parses and validates CSV rows against a schema, streaming.
 *
 * @param input The CSV bytes.
 * @param schema The table schema.
 * @param options Column names for headerless input.
 * @returns The rows, in input order.
 * @throws {AzofError} `InputInvalid` naming the line and column of the first bad field.
 *
 * @example Parse two rows
 * ```ts
 * import { csvRows } from "./input_csv.ts";
 * import assert from "node:assert/strict";
 * const text = "key,event_time,price\na,2024-01-01,1.5\nb,2024-01-02,\n";
 * const schema = { columns: [{ name: "price", type: "Float" as const, nullable: true }] };
 * const rows = await Array.fromAsync(csvRows(ReadableStream.from([new TextEncoder().encode(text)]), schema));
 * assert.deepEqual(rows.map((r) => r.values), [[1.5], [null]]);
 * ```
 */
export async function* csvRows(
  input: ReadableStream<Uint8Array>,
  schema: Schema,
  options: CsvOptions = {},
): AsyncGenerator<WriteRow> {
  for await (const batch of csvBatches(input, schema, options)) yield* batch;
}

/**
 * Like {@linkcode csvRows}, in batches (the rows of each piece of input read), which
 * `writeValidated` also takes and which saves a step per row.
 *
 * @param input The CSV bytes (a leading UTF-8 byte order mark is skipped).
 * @param schema The table schema.
 * @param options Column names for headerless input.
 * @returns Batches of rows, in input order.
 * @throws {AzofError} `InputInvalid` naming the line and column of the first bad field.
 */
export async function* csvBatches(
  input: ReadableStream<Uint8Array>,
  schema: Schema,
  options: CsvOptions = {},
): AsyncGenerator<WriteRow[]> {
  let layout = options.columns ? _layout([...options.columns], schema, "line 1") : undefined;
  let batch: WriteRow[] = [];
  const sink = (fields: readonly (string | null)[], line: number) => {
    if (!layout) {
      layout = _layout(fields.map((f) => f ?? ""), schema, `header line ${line}`);
    } else if (fields.length !== layout.names.length) {
      inputError(
        `line ${line}`,
        `malformed CSV: Invalid Record Length: expected ${layout.names.length} fields, found ${fields.length}`,
      );
    } else {
      batch.push(_rowAt(fields, layout, schema, line));
    }
  };
  const reader = new CsvRecordReader();
  const decoder = new TextDecoder();
  let failure: unknown;
  const feed = (text: string, final: boolean) => {
    try {
      reader.feed(text, final, sink);
    } catch (error) {
      failure = error;
    }
  };
  for await (const chunk of input) {
    feed(decoder.decode(chunk, { stream: true }), false);
    if (batch.length > 0) yield batch;
    batch = [];
    if (failure !== undefined) throw failure;
  }
  feed(decoder.decode(), true);
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

/** A row, naming its line only when it is bad (so good rows cost no message text). */
function _rowAt(
  fields: readonly (string | null)[],
  layout: _Layout,
  schema: Schema,
  line: number,
): WriteRow {
  try {
    return _row(fields, layout, schema, "");
  } catch {
    return _row(fields, layout, schema, `line ${line}`);
  }
}

function _row(
  fields: readonly (string | null)[],
  layout: _Layout,
  schema: Schema,
  where: string,
): WriteRow {
  const et = fields[layout.eventTime];
  if (et === null || et === undefined || et === "") {
    inputError(where, `column "event_time": a timestamp is required`);
  }
  const flag = layout.deleted < 0 ? null : fields[layout.deleted] ?? null;
  const deleted = flag === null ? false : valueFromText(flag, _DELETED, where) === true;
  return {
    key: checkKey(fields[layout.key] ?? "", where),
    eventTime: instantFromText(et, where, `column "event_time"`),
    values: schema.columns.map((c, i) => {
      const field = layout.columns[i]! < 0 ? null : fields[layout.columns[i]!] ?? null;
      const missing = field === null || (field === "" && c.type !== "String");
      return deleted && missing ? deletionFiller(c) : valueFromText(field, c, where);
    }),
    deleted,
  };
}

const _DELETED = { name: DELETED, type: "Boolean" as const, nullable: true };
