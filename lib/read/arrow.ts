/**
 * Conversion of scan batches to apache-arrow record batches and tables.
 *
 * Imported only by callers that want Arrow, so the CLI's other paths do not load apache-arrow.
 *
 * @module
 */

import {
  Bool,
  type DataType,
  Field,
  Float64,
  Int64,
  makeData,
  RecordBatch,
  Schema,
  Struct,
  Table,
  TimestampMillisecond,
  Utf8,
  vectorFromArray,
} from "npm:apache-arrow@21.2.0";
import type { BatchColumn, RowBatch } from "./batch.ts";
import type { ScanResult } from "./scan.ts";
import { type ColumnType, exportNullable } from "../format/schema.ts";

/**
 * The Arrow type of an azof column type: Utf8, Int64, Float64, Bool, or Timestamp(ms, "UTC").
 *
 * @param type The azof column type.
 * @returns The Arrow data type.
 */
export function arrowType(type: ColumnType): DataType {
  switch (type) {
    case "String":
      return new Utf8();
    case "Int":
      return new Int64();
    case "Float":
      return new Float64();
    case "Boolean":
      return new Bool();
    case "DateTime":
      return new TimestampMillisecond("UTC");
  }
}

/**
 * The Arrow schema of a scan's output columns.
 *
 * @param columns The scan's output columns.
 * @returns The schema.
 */
export function arrowSchema(columns: readonly Omit<BatchColumn, "values">[]): Schema {
  return new Schema(
    columns.map((c) => new Field(c.name, arrowType(c.type), exportNullable(c.name))),
  );
}

/**
 * Converts one batch of a scan into an Arrow `RecordBatch` with the given schema.
 *
 * @param schema The Arrow schema ({@linkcode arrowSchema} of the scan's columns).
 * @param batch The batch.
 * @returns The record batch.
 */
export function toRecordBatch(schema: Schema, batch: RowBatch): RecordBatch {
  const children = batch.columns.map((column, i) =>
    vectorFromArray(column.values as unknown[], schema.fields[i]!.type).data[0]!
  );
  const data = makeData({
    type: new Struct(schema.fields),
    length: batch.rows,
    nullCount: 0,
    children,
  });
  return new RecordBatch(schema, data);
}

/**
 * Streams a scan's batches as Arrow record batches, one per scan batch.
 *
 * @param result A scan result.
 * @returns The record batches, sharing one schema.
 *
 * @example Stream a sample table as Arrow batches
 * ```ts
 * import { openTable, scan, scanArrowBatches } from "../../mod.ts";
 * for await (const batch of scanArrowBatches(await scan(openTable("testdata", "prices")))) {
 *   console.log(batch.numRows);
 * }
 * ```
 */
export async function* scanArrowBatches(result: ScanResult): AsyncGenerator<RecordBatch> {
  const schema = arrowSchema(result.columns);
  for await (const batch of result.batches) yield toRecordBatch(schema, batch);
}

/**
 * Reads all batches of a scan into one Arrow `Table`.
 *
 * @param result A scan result.
 * @returns The table (empty when the scan has no rows).
 *
 * @example Scan a sample table into Arrow
 * ```ts
 * import { openTable, scan, scanToArrow } from "../../mod.ts";
 * const table = await scanToArrow(await scan(openTable("testdata", "prices")));
 * console.log(table.numRows, table.schema.fields.map((f) => f.name));
 * ```
 */
export async function scanToArrow(result: ScanResult): Promise<Table> {
  const batches: RecordBatch[] = [];
  for await (const batch of scanArrowBatches(result)) batches.push(batch);
  return new Table(arrowSchema(result.columns), batches);
}
