/**
 * Test helpers for SQL: small tables written with azof's own Parquet writer in temporary folders,
 * and query/scan answers as plain rows.
 *
 * @module
 */

import type { Value } from "../format/schema.ts";
import { FastParquetWriter } from "../parquet/encode.ts";
import type { ParquetColumn } from "../parquet/column.ts";
import type { RowBatch } from "../read/batch.ts";
import type { ScanResult } from "../read/scan.ts";
import { query } from "./query.ts";

/** A row: key, event time (ms), then values; a trailing `true` in `deleted` tables marks deletion. */
export type Row = readonly Value[];

/**
 * Writes one Parquet data file: `key`, `event_time`, the given columns (nullable), and `_deleted`
 * when `deleted` is set.
 *
 * @param path The file path.
 * @param columns The value columns after key and event_time.
 * @param rows The rows, in file order.
 * @param deleted Whether rows end with a `_deleted` Boolean.
 */
export async function writeDataFile(
  path: string,
  columns: readonly Omit<ParquetColumn, "nullable">[],
  rows: readonly Row[],
  deleted = false,
): Promise<void> {
  const chunks: Uint8Array[] = [];
  const all: ParquetColumn[] = [
    { name: "key", type: "String", nullable: false },
    { name: "event_time", type: "DateTime", nullable: false },
    ...columns.map((c) => ({ ...c, nullable: true })),
    ...(deleted ? [{ name: "_deleted", type: "Boolean" as const, nullable: true }] : []),
  ];
  const writer = new FastParquetWriter(all, (b) => Promise.resolve(void chunks.push(b)));
  await writer.writeRowGroup(all.map((_, c) => rows.map((r) => r[c] ?? null)));
  await writer.finish();
  await Deno.writeFile(path, new Uint8Array(chunks.flatMap((c) => [...c])));
}

/**
 * Collects batches into rows of values.
 *
 * @param batches The batches.
 * @returns The rows.
 */
export async function collectRows(batches: AsyncIterable<RowBatch>): Promise<Value[][]> {
  const rows: Value[][] = [];
  for await (const batch of batches) {
    for (let i = 0; i < batch.rows; i++) rows.push(batch.columns.map((c) => c.values[i] ?? null));
  }
  return rows;
}

/**
 * Runs a query and returns its rows.
 *
 * @param root The tables folder.
 * @param sql The query.
 * @returns The rows.
 */
export async function sqlRows(root: string, sql: string): Promise<Value[][]> {
  return collectRows((await query(root, sql, { threads: 2 })).batches);
}

/**
 * A scan's rows as objects keyed by column name.
 *
 * @param result The scan result.
 * @returns The rows.
 */
export async function scanObjects(result: ScanResult): Promise<Record<string, Value>[]> {
  const names = result.columns.map((c) => c.name);
  return (await collectRows(result.batches)).map((row) =>
    Object.fromEntries(names.map((n, i) => [n, row[i] ?? null]))
  );
}
