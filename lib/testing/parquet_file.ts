/**
 * Writing azof data files for tests and sample tables with azof's encoder: `key` (UTF-8),
 * `event_time` (INT64 TIMESTAMP(MILLIS, UTC)), optional `_deleted`, then the schema columns with
 * Int as exact INT64 and DateTime as INT64 TIMESTAMP(MILLIS, UTC).
 *
 * @module
 */

import { ParquetEncoder } from "../parquet_encode.ts";
import { type Column, DELETED, EVENT_TIME, KEY } from "../schema.ts";

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
  const withDeleted = options.withDeleted ?? rows.some((r) => r.deleted === true);
  const encoder = new ParquetEncoder([
    { name: KEY, type: "String", nullable: false },
    { name: EVENT_TIME, type: "DateTime", nullable: false },
    ...(withDeleted ? [{ name: DELETED, type: "Boolean" as const, nullable: false }] : []),
    ...columns,
  ]);
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
