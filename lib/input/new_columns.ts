/**
 * The columns an input has that a table lacks, with types inferred from a sample of the input
 * (`azof write --evolve`, docs/CLI.md): they are added as nullable columns before the write.
 *
 * @module
 */

import type { ColumnType, Schema } from "../format/schema.ts";
import { DELETED, EVENT_TIME, KEY } from "../format/schema.ts";
import type { ColumnSpec } from "../format/schema_evolution.ts";
import { CsvRecordReader } from "./csv_records.ts";

/** How much of the input {@linkcode newColumns} looks at. */
export const NEW_COLUMNS_SAMPLE_BYTES = 1 << 20;

/**
 * The input's columns that the schema lacks, each nullable, typed by the values the sample holds:
 * NDJSON by JSON type (whole numbers Int, other numbers Float, `true`/`false` Boolean, strings
 * String); CSV Int when every value is a whole number, else Float when every value is a number,
 * else Boolean when every value is `true` or `false`, else String. A column without a value in the
 * sample, or with values of several types, is a String.
 *
 * @param sample The first bytes of the input (complete lines are used).
 * @param format The input format.
 * @param schema The table schema.
 * @returns The columns to add, in the order the input first names them.
 *
 * @example A CSV header with a new column
 * ```ts
 * import { newColumns } from "./new_columns.ts";
 * import assert from "node:assert/strict";
 * const sample = new TextEncoder().encode("key,event_time,v,n\na,2024-01-01,1,7\n");
 * const schema = { columns: [{ name: "v", type: "Int" as const, nullable: false }] };
 * assert.deepEqual(newColumns(sample, "csv", schema), [{ name: "n", type: "Int", nullable: true }]);
 * ```
 */
export function newColumns(
  sample: Uint8Array,
  format: "csv" | "ndjson",
  schema: Schema,
): ColumnSpec[] {
  const known = new Set([KEY, EVENT_TIME, DELETED, ...schema.columns.map((c) => c.name)]);
  const values = format === "csv" ? _csvValues(sample) : _ndjsonValues(sample);
  return [...values]
    .filter(([name]) => !known.has(name))
    .map(([name, seen]) => ({ name, type: _typeOf(seen, format), nullable: true }));
}

function _csvValues(sample: Uint8Array): Map<string, unknown[]> {
  const out = new Map<string, unknown[]>();
  let names: string[] | undefined;
  const reader = new CsvRecordReader();
  reader.feedBytes(sample, false, (record) => {
    const fields = record.fields();
    if (names === undefined) {
      names = fields.map((f) => f ?? "");
      for (const name of names) out.set(name, []);
      return;
    }
    fields.forEach((f, i) => {
      if (f !== null && f !== "") out.get(names![i] ?? "")?.push(f);
    });
  });
  return out;
}

function _ndjsonValues(sample: Uint8Array): Map<string, unknown[]> {
  const out = new Map<string, unknown[]>();
  const text = new TextDecoder().decode(sample);
  const lines = text.split("\n");
  lines.pop(); // the last line may be cut off
  for (const line of lines) {
    let row: unknown;
    try {
      row = JSON.parse(line);
    } catch {
      continue; // the write itself reports the bad line
    }
    if (typeof row !== "object" || row === null || Array.isArray(row)) continue;
    for (const [name, value] of Object.entries(row)) {
      if (!out.has(name)) out.set(name, []);
      if (value !== null) out.get(name)!.push(value);
    }
  }
  return out;
}

function _typeOf(values: readonly unknown[], format: "csv" | "ndjson"): ColumnType {
  if (values.length === 0) return "String";
  const all = (test: (v: unknown) => boolean) => values.every(test);
  if (format === "ndjson") {
    if (all((v) => typeof v === "number" && Number.isInteger(v))) return "Int";
    if (all((v) => typeof v === "number")) return "Float";
    if (all((v) => typeof v === "boolean")) return "Boolean";
    return "String";
  }
  const text = values as readonly string[];
  if (text.every((v) => /^[+-]?\d{1,18}$/.test(v))) return "Int";
  if (text.every((v) => /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(v))) return "Float";
  if (text.every((v) => v === "true" || v === "false")) return "Boolean";
  return "String";
}
