/**
 * Conversion of scan batches to apache-arrow record batches and tables.
 *
 * Imported only by callers that want Arrow, so the CLI's other paths do not load apache-arrow.
 *
 * @module
 */

import {
  Bool,
  type Data,
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
} from "npm:apache-arrow@21.2.0";
import { type BatchColumn, batchColumnData, type RowBatch } from "./batch.ts";
import type { ScanResult } from "./scan.ts";
import { type ColumnType, exportNullable } from "../format/schema.ts";
import type { ColumnData } from "../columns/column_data.ts";

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
 * Converts one batch of a scan into an Arrow `RecordBatch` with the given schema, from the batch's
 * typed columns (see {@linkcode batchColumnData}): strings, Int and Float keep their buffers,
 * DateTime ms become 64-bit integers, Booleans and null masks are packed into bits. No JS value is
 * made per row.
 *
 * @param schema The Arrow schema ({@linkcode arrowSchema} of the scan's columns).
 * @param batch The batch.
 * @returns The record batch.
 */
export function toRecordBatch(schema: Schema, batch: RowBatch): RecordBatch {
  const children = batch.columns.map((column, i) =>
    _arrowData(batchColumnData(column), schema.fields[i]!.type, batch.rows)
  );
  const data = makeData({
    type: new Struct(schema.fields),
    length: batch.rows,
    nullCount: 0,
    children,
  });
  return new RecordBatch(schema, data);
}

/** One column as Arrow data of the given type (Arrow's layout; only DateTime and Boolean converted). */
function _arrowData(column: ColumnData, type: DataType, rows: number): Data {
  const { nullBitmap, nullCount } = _validity(column.nulls, rows);
  const common = { length: rows, nullCount, ...(nullBitmap ? { nullBitmap } : {}) };
  switch (column.kind) {
    case "utf8":
      return makeData({
        ...common,
        type: type as Utf8,
        valueOffsets: column.offsets,
        data: column.bytes,
      });
    case "bool":
      return makeData({ ...common, type: type as Bool, data: _bits(column.values, rows) });
    case "i64":
      return makeData({ ...common, type: type as Int64, data: column.values });
    case "f64":
      return type instanceof TimestampMillisecond
        ? makeData({ ...common, type, data: _int64(column.values) })
        : makeData({ ...common, type: type as Float64, data: column.values });
  }
}

/** A validity bitmap (bit set for a value, LSB first) from a null mask; none without nulls. */
function _validity(nulls: Uint8Array | undefined, rows: number) {
  let nullCount = 0;
  if (nulls) { for (let i = 0; i < rows; i++) nullCount += nulls[i]!; }
  if (nullCount === 0) return { nullBitmap: undefined, nullCount };
  const nullBitmap = new Uint8Array((rows + 7) >> 3);
  for (let i = 0; i < rows; i++) if (nulls![i] === 0) nullBitmap[i >> 3]! |= 1 << (i & 7);
  return { nullBitmap, nullCount };
}

/** Bytes of 0 or 1 packed into bits, LSB first. */
function _bits(values: Uint8Array, rows: number): Uint8Array {
  const bits = new Uint8Array((rows + 7) >> 3);
  for (let i = 0; i < rows; i++) if (values[i]) bits[i >> 3]! |= 1 << (i & 7);
  return bits;
}

/** Whole numbers (ms) as little-endian 64-bit integers, written as two 32-bit words each. */
function _int64(values: Float64Array): BigInt64Array {
  const out = new BigInt64Array(values.length);
  const words = new Int32Array(out.buffer);
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    const high = Math.floor(v / 4294967296);
    words[2 * i] = v - high * 4294967296;
    words[2 * i + 1] = high;
  }
  return out;
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
