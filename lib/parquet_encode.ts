/**
 * A fast Parquet writer for azof's flat column types: each column chunk is one `PLAIN` data page
 * (v1; definition levels as one RLE run when a chunk has no null, bit-packed otherwise), snappy
 * compressed (lib/snappy.ts) unless a sample shows it does not shrink, encoded straight from typed columns into one growing buffer. The footer
 * (thrift) and page headers come from hyparquet-writer, which is 5–10x slower at encoding values: it
 * converts every value (a `Uint8Array` per string, a `bigint` per timestamp) and tries a dictionary
 * per chunk. Only `event_time` gets min/max statistics (the read path prunes files by them), and `key` in
 * key-ordered files.
 *
 * @module
 */

import type { ColumnChunk, RowGroup, SchemaElement } from "hyparquet";
import { ByteWriter } from "hyparquet-writer";
import { writePageHeader } from "hyparquet-writer/src/datapage.js";
import { writeRleBitPackedHybrid } from "hyparquet-writer/src/encoding.js";
import { writeMetadata } from "hyparquet-writer/src/metadata.js";
import { ColumnBuffer, type TypedColumn } from "./column_buffer.ts";
import type { Value } from "./data_file.ts";
import { type ByteSink, type ParquetColumn, parquetElement } from "./parquet_write.ts";
import { EVENT_TIME, KEY } from "./schema.ts";
import { KEY_ORDER_ENTRY, KEY_SORTING_COLUMNS, keyStatistics } from "./key_order.ts";
import { ByteBuffer } from "./byte_buffer.ts";
import { snappyCompress } from "./snappy.ts";

const _MAGIC = 0x31524150;
const _TWO32 = 4294967296;

/**
 * Writes one Parquet file row group by row group; bytes reach the sink after each row group.
 *
 * @example Write a file and read it back
 * ```ts
 * import { FastParquetWriter } from "./parquet_encode.ts";
 * import { parquetReadObjects } from "hyparquet";
 * import assert from "node:assert/strict";
 * const chunks: Uint8Array[] = [];
 * const writer = new FastParquetWriter(
 *   [{ name: "key", type: "String", nullable: false }, { name: "n", type: "Int", nullable: true }],
 *   (bytes) => Promise.resolve(void chunks.push(bytes)),
 * );
 * await writer.writeRowGroup([["a", "é"], [1n, null]]);
 * await writer.finish();
 * const file = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
 * chunks.reduce((at, c) => (file.set(c, at), at + c.length), 0);
 * const rows = await parquetReadObjects({ file: file.buffer });
 * assert.deepEqual(rows, [{ key: "a", n: 1n }, { key: "é", n: null }]);
 * ```
 */
export class FastParquetWriter {
  readonly #columns: readonly ParquetColumn[];
  readonly #schema: SchemaElement[];
  readonly #sink: ByteSink;
  readonly #groups: RowGroup[] = [];
  readonly #page = new _Buffer(1 << 16);
  readonly #keyOrdered: boolean;
  #out = new ByteWriter(1 << 16);
  #offset = 0;
  #rows = 0;

  /**
   * Starts a file: writes its magic number (handed to the sink with the first row group).
   *
   * @param columns The file's columns, in file order.
   * @param sink Receives the bytes.
   * @param options `keyOrdered`: the rows come in key order (docs/SPEC.md §5.5), across row groups;
   *   the file then declares it and `key` gets min/max statistics.
   */
  constructor(
    columns: readonly ParquetColumn[],
    sink: ByteSink,
    options: { readonly keyOrdered?: boolean } = {},
  ) {
    this.#columns = columns;
    this.#sink = sink;
    this.#keyOrdered = options.keyOrdered ?? false;
    this.#schema = [{ name: "root", num_children: columns.length }, ...columns.map(parquetElement)];
    this.#out.appendUint32(_MAGIC);
  }

  /** Rows written so far. */
  get rows(): number {
    return this.#rows;
  }

  /** Bytes produced so far. */
  get bytes(): number {
    return this.#offset + this.#out.index;
  }

  /**
   * Writes one row group and hands its bytes to the sink.
   *
   * @param values One array per column, all of the same length.
   */
  async writeRowGroup(values: readonly (readonly Value[])[]): Promise<void> {
    const rows = values[0]?.length ?? 0;
    const buffer = new ColumnBuffer(this.#columns, Math.max(rows, 1));
    values.forEach((column, c) => {
      for (let r = 0; r < rows; r++) buffer.set(c, r, column[r]!);
    });
    await this.writeColumns(buffer.columns, rows);
  }

  /**
   * Writes one row group from typed columns (as a {@linkcode ColumnBuffer} holds them) and hands
   * its bytes to the sink.
   *
   * @param columns One typed column per file column, in file order.
   * @param rows The rows to write (the first `rows` values of each column).
   */
  async writeColumns(columns: readonly TypedColumn[], rows: number): Promise<void> {
    if (rows === 0) return;
    const start = this.bytes;
    const chunks: ColumnChunk[] = [];
    let uncompressed = 0;
    this.#columns.forEach((column, i) => {
      const chunk = this.#chunk(column, this.#schema[i + 1]!, columns[i]!, rows);
      uncompressed += Number(chunk.meta_data!.total_uncompressed_size);
      chunks.push(chunk);
    });
    this.#groups.push({
      columns: chunks,
      num_rows: BigInt(rows),
      total_byte_size: BigInt(uncompressed),
      total_compressed_size: BigInt(this.bytes - start),
      ...(this.#keyOrdered ? { sorting_columns: [...KEY_SORTING_COLUMNS] } : {}),
    });
    this.#rows += rows;
    await this.#drain();
  }

  /** Writes the footer and hands the last bytes to the sink. */
  async finish(): Promise<void> {
    writeMetadata(this.#out, {
      version: 2,
      created_by: "azof",
      schema: this.#schema,
      num_rows: BigInt(this.#rows),
      row_groups: this.#groups,
      ...(this.#keyOrdered ? { key_value_metadata: [{ ...KEY_ORDER_ENTRY }] } : {}),
    } as never);
    this.#out.appendUint32(_MAGIC);
    await this.#drain();
  }

  async #drain(): Promise<void> {
    const out = this.#out;
    if (out.index === 0) return;
    // A copy of the right size: the sink may hold it until the file is finished, and the buffer
    // (up to twice as large) is reused for the next row group.
    const bytes = new Uint8Array(out.buffer, 0, out.index).slice();
    this.#offset += out.index;
    out.index = 0;
    await this.#sink(bytes);
  }

  #chunk(
    column: ParquetColumn,
    element: SchemaElement,
    values: TypedColumn,
    rows: number,
  ): ColumnChunk {
    const page = this.#page;
    page.reset();
    const nulls = column.nullable ? _levels(page, values.nulls, rows) : 0;
    const stats = column.name === EVENT_TIME
      ? _minMax(values.data as Float64Array, rows)
      : column.name === KEY && this.#keyOrdered
      ? _keyRange(values, rows)
      : undefined;
    _plain(page, values, rows, nulls);
    const raw = page.bytes();
    const snappy = _compressible(raw);
    const compressed = snappy ? snappyCompress(raw) : raw;
    const out = this.#out;
    const offset = this.bytes;
    writePageHeader(out, {
      type: "DATA_PAGE",
      uncompressed_page_size: raw.length,
      compressed_page_size: compressed.length,
      data_page_header: {
        num_values: rows,
        encoding: "PLAIN",
        definition_level_encoding: "RLE",
        repetition_level_encoding: "RLE",
      },
    });
    const header = this.bytes - offset;
    out.appendBytes(compressed);
    return {
      file_offset: BigInt(offset),
      meta_data: {
        type: element.type!,
        encodings: ["PLAIN", "RLE"],
        path_in_schema: [column.name],
        codec: snappy ? "SNAPPY" : "UNCOMPRESSED",
        num_values: BigInt(rows),
        total_uncompressed_size: BigInt(header + raw.length),
        total_compressed_size: BigInt(header + compressed.length),
        data_page_offset: BigInt(offset),
        ...(stats ? { statistics: { ...stats, null_count: 0n } } : {}),
      },
    };
  }
}

/** The first and last key of a key-ordered row group as its statistics. */
function _keyRange(values: TypedColumn, rows: number) {
  const starts = values.starts!;
  const lengths = values.lengths!;
  const last = rows - 1;
  return keyStatistics(
    values.data as Uint8Array,
    [starts[0]!, starts[0]! + lengths[0]!],
    [starts[last]!, starts[last]! + lengths[last]!],
  );
}

/**
 * Whether a page is worth compressing: small pages always are; for larger ones, the first 64 KiB
 * must shrink by a tenth (random numbers do not, and compressing them cost the write path a tenth
 * of its time for nothing). The answer only decides the chunk's codec.
 */
function _compressible(raw: Uint8Array): boolean {
  if (raw.length < _SAMPLE * 2) return true;
  return snappyCompress(raw.subarray(0, _SAMPLE)).length < _SAMPLE * 0.9;
}

const _SAMPLE = 1 << 16;

/** Definition levels, length-prefixed as data page v1 has them; returns the number of nulls. */
function _levels(page: _Buffer, mask: Uint8Array | undefined, rows: number): number {
  let nulls = 0;
  for (let i = 0; i < rows; i++) nulls += mask![i]!;
  const at = page.reserve(4);
  if (nulls === 0) {
    page.varint(rows * 2);
    page.byte(1);
  } else {
    const levels = new Uint8Array(rows);
    for (let i = 0; i < rows; i++) levels[i] = 1 - mask![i]!;
    const writer = new ByteWriter(rows / 4 + 64);
    writeRleBitPackedHybrid(writer, levels, 1);
    page.append(new Uint8Array(writer.buffer, 0, writer.index));
  }
  page.view.setUint32(at, page.length - at - 4, true);
  return nulls;
}

function _plain(page: _Buffer, column: TypedColumn, rows: number, nulls: number): void {
  const mask = nulls === 0 ? undefined : column.nulls;
  switch (column.type) {
    case "String":
      page.strings(column, rows, mask);
      return;
    case "DateTime": {
      const data = column.data as Float64Array;
      page.ensure(8 * (rows - nulls));
      for (let i = 0; i < rows; i++) if (!mask?.[i]) page.ms(data[i]!);
      return;
    }
    case "Boolean":
      page.bits(column.data as Uint8Array, rows, mask);
      return;
    default:
      page.words(column.data as Float64Array | BigInt64Array, rows, mask);
  }
}

function _minMax(values: Float64Array, rows: number): { min_value: bigint; max_value: bigint } {
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < rows; i++) {
    const v = values[i]!;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return { min_value: BigInt(min), max_value: BigInt(max) };
}

/** A growing byte buffer with the few writes a page needs. */
class _Buffer extends ByteBuffer {
  /** The length-prefixed UTF-8 values of a `String` column's rows not masked. */
  strings(column: TypedColumn, rows: number, mask: Uint8Array | undefined): void {
    const bytes = column.data as Uint8Array;
    const starts = column.starts!;
    const lengths = column.lengths!;
    let total = 4 * rows;
    for (let i = 0; i < rows; i++) total += lengths[i]!;
    this.ensure(total);
    const out = this.data;
    let p = this.length;
    for (let i = 0; i < rows; i++) {
      if (mask?.[i]) continue;
      const n = lengths[i]!;
      out[p] = n;
      out[p + 1] = n >>> 8;
      out[p + 2] = n >>> 16;
      out[p + 3] = n >>> 24;
      p += 4;
      const from = starts[i]!;
      if (n > 64) out.set(bytes.subarray(from, from + n), p);
      else for (let k = 0; k < n; k++) out[p + k] = bytes[from + k]!;
      p += n;
    }
    this.length = p;
  }

  /** An integral number of ms as int64, without a bigint. */
  ms(v: number): void {
    const hi = Math.floor(v / _TWO32);
    this.view.setUint32(this.length, v - hi * _TWO32, true);
    this.view.setInt32(this.length + 4, hi, true);
    this.length += 8;
  }

  /** 8-byte values (int64 or double) of the rows not masked, copied as they are (little-endian). */
  words(data: Float64Array | BigInt64Array, rows: number, mask: Uint8Array | undefined): void {
    const bytes = new Uint8Array(data.buffer, data.byteOffset, rows * 8);
    if (!mask) return this.append(bytes);
    this.ensure(rows * 8);
    const out = this.data;
    let p = this.length;
    for (let i = 0; i < rows; i++) {
      if (mask[i]) continue;
      for (let k = i * 8; k < i * 8 + 8; k++) out[p++] = bytes[k]!;
    }
    this.length = p;
  }

  bits(data: Uint8Array, rows: number, mask: Uint8Array | undefined): void {
    this.ensure(rows / 8 + 1);
    let byte = 0;
    let k = 0;
    for (let i = 0; i < rows; i++) {
      if (mask?.[i]) continue;
      byte |= data[i]! << k;
      if (++k === 8) {
        this.data[this.length++] = byte;
        byte = 0;
        k = 0;
      }
    }
    if (k > 0) this.data[this.length++] = byte;
  }
}
