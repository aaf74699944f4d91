/**
 * Writing azof data files for tests and sample tables with azof's encoder: `key` (UTF-8),
 * `event_time` (INT64 TIMESTAMP(MILLIS, UTC)), optional `_deleted`, then the schema columns with
 * Int as exact INT64 and DateTime as INT64 TIMESTAMP(MILLIS, UTC).
 *
 * @module
 */

import { ParquetEncoder } from "../parquet/encode.ts";
import { type Column, DELETED, EVENT_TIME, KEY } from "../format/schema.ts";
import { utf8Compare } from "./utf8_compare.ts";

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
   * Write the rows in key order and declare it (docs/SPEC.md §5.6): sorted by key (UTF-8 bytes),
   * then `event_time`, keeping only the last of rows with the same key and time (the one a read
   * picks), with the `azof.sorting_columns` metadata entry.
   */
  readonly keyOrdered?: boolean;
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
  const encoder = new ParquetEncoder([
    { name: KEY, type: "String", nullable: false },
    { name: EVENT_TIME, type: "DateTime", nullable: false },
    ...(withDeleted ? [{ name: DELETED, type: "Boolean" as const, nullable: false }] : []),
    ...columns,
  ], { keyOrdered: options.keyOrdered ?? false });
  const size = options.rowGroupSize ?? 100_000;
  for (let from = 0; from < rows.length; from += size) {
    const group = rows.slice(from, from + size);
    encoder.addValues([
      group.map((r) => r.key),
      group.map((r) => r.eventTime),
      ...(withDeleted ? [group.map((r) => r.deleted === true)] : []),
      ...columns.map((c) => group.map((r) => r.values[c.name] ?? null)),
    ]);
  }
  encoder.finish();
  return encoder.take();
}

/** The last row of each key and time, sorted by key bytes, then time (a plain sort, not azof's). */
function _keyOrdered(rows: readonly DataRow[]): DataRow[] {
  const last = new Map<string, DataRow>();
  for (const row of rows) last.set(`${row.eventTime}\0${row.key}`, row);
  return [...last.values()].sort((a, b) => utf8Compare(a.key, b.key) || a.eventTime - b.eventTime);
}
