/**
 * Encodes a column-wise {@linkcode RowSet} as a whole Parquet file in azof's layout (`key`,
 * `event_time`, the schema columns, `_deleted` when a row deletes) with azof's one encoder
 * (lib/parquet/encode.ts), straight from the set's typed arrays.
 *
 * @module
 */

import { type ColumnData, typedColumn } from "../columns/column_data.ts";
import type { RowSet } from "./rows.ts";
import { isKeyOrdered } from "../format/key_order.ts";
import { ParquetEncoder } from "../parquet/encode.ts";
import type { ParquetColumn } from "../parquet/column.ts";
import { DELETED, EVENT_TIME, KEY, type Schema } from "../format/schema.ts";

/**
 * Encodes rows as a Parquet file, in row groups of `rowGroupRows` rows, in set order. Rows in key
 * order (as compaction writes them) make a file that declares it (docs/SPEC.md §5.6), with `key`
 * min/max statistics.
 *
 * @example Encode two rows and read them back
 * ```ts
 * import { encodeRowSet } from "./encode.ts";
 * import { fromValues, type Utf8Data } from "../columns/column_data.ts";
 * import { parquetReadObjects } from "npm:hyparquet@1.31.5";
 * import assert from "node:assert/strict";
 * const bytes = encodeRowSet({
 *   rows: 2,
 *   key: fromValues(["a", "b"], "utf8") as Utf8Data,
 *   t: new Float64Array([0, 1000]),
 *   deleted: new Uint8Array(2),
 *   columns: [fromValues([5n, null], "i64")],
 * }, { columns: [{ name: "n", type: "Int", nullable: true }] }, 65_536);
 * const rows = await parquetReadObjects({ file: bytes.slice().buffer });
 * assert.deepEqual(rows.map((r) => [r.key, r.n]), [["a", 5n], ["b", null]]);
 * ```
 *
 * @param set The rows.
 * @param schema The table schema (the set's columns, in order).
 * @param rowGroupRows Rows per row group.
 * @returns The file's bytes.
 */
export function encodeRowSet(set: RowSet, schema: Schema, rowGroupRows: number): Uint8Array {
  const hasDeleted = set.deleted.some((d) => d === 1);
  const columns: ParquetColumn[] = [
    { name: KEY, type: "String", nullable: false },
    { name: EVENT_TIME, type: "DateTime", nullable: false },
    ...schema.columns.map((c, i) => ({
      ...c,
      nullable: c.nullable || (set.columns[i]?.nulls?.includes(1) ?? false),
    })),
    ...(hasDeleted ? [{ name: DELETED, type: "Boolean" as const, nullable: false }] : []),
  ];
  const data: ColumnData[] = [
    set.key,
    { kind: "f64", values: set.t },
    ...set.columns,
    ...(hasDeleted ? [{ kind: "bool" as const, values: set.deleted }] : []),
  ];
  const typed = columns.map((column, i) => typedColumn(column, data[i]!));
  const encoder = new ParquetEncoder(columns, {
    keyOrdered: isKeyOrdered(set.key, set.t, set.rows),
  });
  for (let from = 0; from < set.rows; from += rowGroupRows) {
    encoder.addColumns(typed, from, Math.min(set.rows, from + rowGroupRows));
  }
  encoder.finish();
  return encoder.take();
}
