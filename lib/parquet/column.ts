/**
 * The columns of the Parquet files azof writes and their schema elements (lib/parquet/encode.ts
 * encodes the files).
 *
 * @module
 */

import type { SchemaElement } from "npm:hyparquet@1.31.5";
import type { ColumnType } from "../format/schema.ts";

/** A column of a Parquet file azof writes. */
export interface ParquetColumn {
  /** Column name. */
  readonly name: string;
  /** azof type; decides the Parquet physical and logical type. */
  readonly type: ColumnType;
  /** Whether the column is OPTIONAL (nullable) rather than REQUIRED. */
  readonly nullable: boolean;
  /** The Parquet `field_id`: the column id of an evolved table (docs/SPEC.md §3.7). */
  readonly id?: number;
}

/**
 * The Parquet schema element azof writes for a column: String as BYTE_ARRAY UTF8, Int as INT64,
 * Float as DOUBLE, Boolean as BOOLEAN, DateTime as INT64 TIMESTAMP(MILLIS, UTC).
 *
 * @param column The column.
 * @returns The schema element.
 */
export function parquetElement(column: ParquetColumn): SchemaElement {
  return column.id === undefined ? _element(column) : { ..._element(column), field_id: column.id };
}

function _element(column: ParquetColumn): SchemaElement {
  const repetition_type = column.nullable ? "OPTIONAL" : "REQUIRED";
  const name = column.name;
  switch (column.type) {
    case "String":
      return {
        name,
        repetition_type,
        type: "BYTE_ARRAY",
        converted_type: "UTF8",
        logical_type: { type: "STRING" },
      };
    case "Int":
      return { name, repetition_type, type: "INT64" };
    case "Float":
      return { name, repetition_type, type: "DOUBLE" };
    case "Boolean":
      return { name, repetition_type, type: "BOOLEAN" };
    case "DateTime":
      return {
        name,
        repetition_type,
        type: "INT64",
        converted_type: "TIMESTAMP_MILLIS",
        logical_type: { type: "TIMESTAMP", isAdjustedToUTC: true, unit: "MILLIS" },
      };
  }
}
