/**
 * CSV input of the write path: a header row naming the columns (in any order), then one row per
 * line. An unquoted empty field is null; a quoted empty field (`""`) is the empty string.
 *
 * @module
 */

import { Readable } from "node:stream";
import { parse } from "csv-parse";
import { AzofError } from "./errors.ts";
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
  const parser = Readable.fromWeb(input as never).pipe(parse({
    info: true,
    bom: true,
    skip_empty_lines: true,
    cast: (value, context) => value === "" && !context.quoting ? null : value,
  }));
  let layout = options.columns ? _layout([...options.columns], schema, "line 1") : undefined;
  try {
    for await (const { record, info } of parser) {
      const fields = record as (string | null)[];
      const where = `line ${info.lines}`;
      if (!layout) {
        layout = _layout(fields.map((f) => f ?? ""), schema, `header ${where}`);
        continue;
      }
      if (fields.length !== layout.names.length) {
        inputError(where, `expected ${layout.names.length} fields, found ${fields.length}`);
      }
      yield _row(fields, layout, schema, where);
    }
  } catch (error) {
    if (error instanceof AzofError) throw error;
    const e = error as Error & { lines?: number };
    throw new AzofError(
      "InputInvalid",
      `Cannot write: line ${e.lines ?? "?"}, malformed CSV: ${e.message}`,
      { cause: error },
    );
  } finally {
    parser.destroy();
  }
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

function _row(
  fields: (string | null)[],
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
