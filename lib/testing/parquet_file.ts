/**
 * Writing azof data files for tests and sample tables with hyparquet-writer: `key` (UTF-8),
 * `event_time` (INT64 TIMESTAMP(MILLIS, UTC)), optional `_deleted`, then the schema columns with
 * Int as exact INT64 and DateTime as INT64 TIMESTAMP(MILLIS, UTC).
 *
 * @module
 */

import type { SchemaElement } from "hyparquet";
import { parquetWriteBuffer } from "hyparquet-writer";
import type { Column, ColumnType } from "../schema.ts";
import { utf8Compare } from "./random_table.ts";

/** One row of a data file. Values use azof's decoded forms (bigint for Int, ms for DateTime). */
export interface DataRow {
  /** The key. */
  readonly key: string;
  /** Event time in ms. */
  readonly eventTime: number;
  /** Whether the row deletes its key. */
  readonly deleted?: boolean;
  /** Schema column values by name; absent means null. */
  readonly values: Readonly<Record<string, string | bigint | number | boolean | null>>;
}

/** Options of {@linkcode dataFileBytes}. */
export interface DataFileOptions {
  /** Write the `_deleted` column (all false when no row deletes). */
  readonly withDeleted?: boolean;
  /** Rows per row group; small values make several row groups. */
  readonly rowGroupSize?: number;
  /**
   * Write the rows in key order and declare it (docs/SPEC.md §5.5): sorted by key (UTF-8 bytes),
   * then `event_time`, keeping only the last of rows with the same key and time (the one a read
   * picks), with the `azof.sorting_columns` metadata entry.
   */
  readonly keyOrdered?: boolean;
}

function _timestamp(name: string, required: boolean): SchemaElement {
  return {
    name,
    type: "INT64",
    converted_type: "TIMESTAMP_MILLIS",
    logical_type: { type: "TIMESTAMP", isAdjustedToUTC: true, unit: "MILLIS" },
    repetition_type: required ? "REQUIRED" : "OPTIONAL",
  };
}

function _element(name: string, type: ColumnType, nullable: boolean): SchemaElement {
  const repetition_type = nullable ? "OPTIONAL" : "REQUIRED";
  switch (type) {
    case "String":
      return { name, type: "BYTE_ARRAY", converted_type: "UTF8", repetition_type };
    case "Int":
      return { name, type: "INT64", repetition_type };
    case "Float":
      return { name, type: "DOUBLE", repetition_type };
    case "Boolean":
      return { name, type: "BOOLEAN", repetition_type };
    case "DateTime":
      return _timestamp(name, !nullable);
  }
}

/**
 * Encodes rows as a Parquet data file.
 *
 * @param columns The schema columns, in file order.
 * @param rows The rows, in file order.
 * @param options Whether to write `_deleted`, row group size.
 * @returns The file's bytes.
 */
export function dataFileBytes(
  columns: readonly Column[],
  rows: readonly DataRow[],
  options: DataFileOptions = {},
): Uint8Array {
  if (options.keyOrdered) rows = _keyOrdered(rows);
  const withDeleted = options.withDeleted ?? rows.some((r) => r.deleted === true);
  const schema: SchemaElement[] = [
    { name: "root", num_children: 2 + (withDeleted ? 1 : 0) + columns.length },
    { name: "key", type: "BYTE_ARRAY", converted_type: "UTF8", repetition_type: "REQUIRED" },
    _timestamp("event_time", true),
    ...(withDeleted
      ? [{ name: "_deleted", type: "BOOLEAN", repetition_type: "REQUIRED" } as SchemaElement]
      : []),
    ...columns.map((c) => _element(c.name, c.type, c.nullable)),
  ];
  const columnData = [
    { name: "key", data: rows.map((r) => r.key) },
    { name: "event_time", data: rows.map((r) => BigInt(r.eventTime)) },
    ...(withDeleted ? [{ name: "_deleted", data: rows.map((r) => r.deleted === true) }] : []),
    ...columns.map((c) => ({
      name: c.name,
      data: rows.map((r) => {
        const v = r.values[c.name] ?? null;
        return c.type === "DateTime" && typeof v === "number" ? BigInt(v) : v;
      }),
    })),
  ];
  const buffer = parquetWriteBuffer({
    columnData,
    schema,
    rowGroupSize: options.rowGroupSize ?? 100_000,
    ...(options.keyOrdered
      ? { kvMetadata: [{ key: "azof.sorting_columns", value: "key,event_time" }] }
      : {}),
  });
  return new Uint8Array(buffer);
}

/** The last row of each key and time, sorted by key bytes, then time (a plain sort, not azof's). */
function _keyOrdered(rows: readonly DataRow[]): DataRow[] {
  const last = new Map<string, DataRow>();
  for (const row of rows) last.set(`${row.eventTime}\0${row.key}`, row);
  return [...last.values()].sort((a, b) => utf8Compare(a.key, b.key) || a.eventTime - b.eventTime);
}
