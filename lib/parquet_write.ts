/**
 * Writing Parquet files in azof's layout (hyparquet-writer underneath), streamed row group by row
 * group to a sink so memory holds one row group at a time.
 *
 * @module
 */

import type { SchemaElement } from "hyparquet";
import { ByteWriter, ParquetWriter, type Writer } from "hyparquet-writer";
import type { Value } from "./data_file.ts";
import type { ColumnType } from "./schema.ts";

/** A column of a Parquet file azof writes. */
export interface ParquetColumn {
  /** Column name. */
  readonly name: string;
  /** azof type; decides the Parquet physical and logical type. */
  readonly type: ColumnType;
  /** Whether the column is OPTIONAL (nullable) rather than REQUIRED. */
  readonly nullable: boolean;
}

/** Receives the bytes of a file in order. */
export type ByteSink = (bytes: Uint8Array) => Promise<void>;

/**
 * The Parquet schema element azof writes for a column: String as BYTE_ARRAY UTF8, Int as INT64,
 * Float as DOUBLE, Boolean as BOOLEAN, DateTime as INT64 TIMESTAMP(MILLIS, UTC).
 *
 * @param column The column.
 * @returns The schema element.
 */
export function parquetElement(column: ParquetColumn): SchemaElement {
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

/**
 * Writes one Parquet file: call {@linkcode ParquetFileWriter.writeRowGroup} per row group, then
 * {@linkcode ParquetFileWriter.finish}. Bytes reach the sink after each row group.
 *
 * @example Write a two-row file into memory
 * ```ts
 * import { ParquetFileWriter } from "./parquet_write.ts";
 * const chunks: Uint8Array[] = [];
 * const writer = new ParquetFileWriter(
 *   [{ name: "key", type: "String", nullable: false }, { name: "n", type: "Int", nullable: true }],
 *   (bytes) => Promise.resolve(void chunks.push(bytes.slice())),
 * );
 * await writer.writeRowGroup([["a", "b"], [1n, null]]);
 * await writer.finish();
 * ```
 */
export class ParquetFileWriter {
  readonly #columns: readonly ParquetColumn[];
  readonly #bytes: ByteWriter & Writer;
  readonly #writer: ParquetWriter;
  readonly #sink: ByteSink;
  #rows = 0;

  /**
   * @param columns The file's columns, in file order.
   * @param sink Receives the bytes.
   */
  constructor(columns: readonly ParquetColumn[], sink: ByteSink) {
    this.#columns = columns;
    this.#sink = sink;
    this.#bytes = Object.assign(new ByteWriter(1 << 20), { flush: () => this.#drain() });
    const schema: SchemaElement[] = [
      { name: "root", num_children: columns.length },
      ...columns.map(parquetElement),
    ];
    this.#writer = new ParquetWriter({
      writer: this.#bytes,
      schema,
      codec: "SNAPPY",
      createdBy: "azof",
    });
  }

  /** Rows written so far. */
  get rows(): number {
    return this.#rows;
  }

  /** Bytes produced so far. */
  get bytes(): number {
    return this.#bytes.offset;
  }

  /**
   * Writes one row group.
   *
   * @param values One array per column, all of the same length.
   */
  async writeRowGroup(values: readonly (readonly Value[])[]): Promise<void> {
    const rows = values[0]?.length ?? 0;
    if (rows === 0) return;
    const columnData = this.#columns.map((c, i) => ({
      name: c.name,
      data: values[i] as Value[],
      nullable: c.nullable,
    }));
    await this.#writer.write({ columnData, rowGroupSize: rows });
    this.#rows += rows;
  }

  /** Writes the footer and hands the last bytes to the sink. */
  async finish(): Promise<void> {
    await this.#writer.finish();
    await this.#drain();
  }

  async #drain(): Promise<void> {
    if (this.#bytes.index === 0) return;
    const chunk = new Uint8Array(this.#bytes.buffer, 0, this.#bytes.index).slice();
    this.#bytes.index = 0;
    await this.#sink(chunk);
  }
}
