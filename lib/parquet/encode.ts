/**
 * azof's one Parquet encoder, used by the write path, compaction, `scan -f parquet` and `gen`: each
 * column chunk is `PLAIN` data pages (v1; definition levels as one RLE run when a page has no null,
 * RLE/bit-packed otherwise) of {@linkcode PAGE_ROWS} rows, each with its CRC-32, snappy compressed
 * (lib/parquet/snappy.ts) unless a sample of the first shows it does not shrink, encoded straight
 * from typed columns into one growing buffer, and the page index after the row groups
 * (lib/parquet/page_index.ts).
 * Only `event_time` gets min/max statistics (the read path prunes files by them), and `key` in
 * key-ordered files (docs/SPEC.md §5.6), which also declare their order. The footer and
 * page headers are Thrift-encoded by lib/parquet/thrift.ts; the footer carries its own checksum
 * (lib/parquet/footer_crc.ts).
 *
 * @module
 */

import type { ColumnChunk, RowGroup, SchemaElement } from "npm:hyparquet@1.31.5";
import { crc32 } from "node:zlib";
import { ColumnBuffer, type TypedColumn } from "../columns/column_buffer.ts";
import type { Value } from "../format/schema.ts";
import { type ParquetColumn, parquetElement } from "./column.ts";
import { writeFileMetaData, writePageHeader } from "./thrift.ts";
import { EVENT_TIME, KEY } from "../format/schema.ts";
import { KEY_ORDER_ENTRY, KEY_SORTING_COLUMNS, keyStatistics } from "../format/key_order.ts";
import { FOOTER_CRC_KEY, FOOTER_CRC_PLACEHOLDER, sealFooter } from "./footer_crc.ts";
import { ByteBuffer } from "../columns/byte_buffer.ts";
import { PageBuffer } from "./page.ts";
import { PAGE_ROWS, PageIndexBuilder, writePageIndex } from "./page_index.ts";
import { snappyCompress } from "./snappy.ts";
import { CREATED_BY } from "../format/version.ts";

const _MAGIC = 0x31524150;

/** Options of {@linkcode ParquetEncoder} and {@linkcode FastParquetWriter}. */
export interface EncoderOptions {
  /**
   * The rows come in key order (docs/SPEC.md §5.6), across row groups: the file declares it and
   * `key` gets min/max statistics.
   */
  readonly keyOrdered?: boolean;
}

/** Receives the bytes of a file in order. */
export type ByteSink = (bytes: Uint8Array) => Promise<void>;

/**
 * Encodes one Parquet file row group by row group into memory; {@linkcode ParquetEncoder.take}
 * hands out the bytes encoded so far.
 *
 * @example Encode a file and read it back
 * ```ts
 * import { ParquetEncoder } from "./encode.ts";
 * import { parquetReadObjects } from "npm:hyparquet@1.31.5";
 * import assert from "node:assert/strict";
 * const encoder = new ParquetEncoder([
 *   { name: "key", type: "String", nullable: false },
 *   { name: "n", type: "Int", nullable: true },
 * ]);
 * encoder.addValues([["a", "é"], [1n, null]]);
 * encoder.finish();
 * const rows = await parquetReadObjects({ file: encoder.take().slice().buffer });
 * assert.deepEqual(rows, [{ key: "a", n: 1n }, { key: "é", n: null }]);
 * ```
 */
export class ParquetEncoder {
  readonly #columns: readonly ParquetColumn[];
  readonly #schema: SchemaElement[];
  readonly #groups: RowGroup[] = [];
  readonly #page = new PageBuffer(1 << 16);
  readonly #out = new ByteBuffer(1 << 16);
  readonly #keyOrdered: boolean;
  /** The page index of each column chunk so far, row group after row group. */
  readonly #indexes: PageIndexBuilder[] = [];
  #offset = 0;
  #rows = 0;

  /**
   * Starts a file with its magic number.
   *
   * @param columns The file's columns, in file order.
   * @param options Whether the rows come in key order.
   */
  constructor(columns: readonly ParquetColumn[], options: EncoderOptions = {}) {
    this.#columns = columns;
    this.#keyOrdered = options.keyOrdered ?? false;
    this.#schema = [{ name: "root", num_children: columns.length }, ...columns.map(parquetElement)];
    this.#out.view.setUint32(this.#out.reserve(4), _MAGIC, true);
  }

  /** Rows encoded so far. */
  get rows(): number {
    return this.#rows;
  }

  /** Bytes encoded so far. */
  get bytes(): number {
    return this.#offset + this.#out.length;
  }

  /** @param values One row group: one array of values per column, all of the same length. */
  addValues(values: readonly (readonly Value[])[]): void {
    const rows = values[0]?.length ?? 0;
    const buffer = new ColumnBuffer(this.#columns, Math.max(rows, 1));
    values.forEach((column, c) => {
      for (let r = 0; r < rows; r++) buffer.set(c, r, column[r]!);
    });
    this.addColumns(buffer.columns, 0, rows);
  }

  /**
   * Encodes rows `[from, to)` of typed columns (as a {@linkcode ColumnBuffer} holds them) as one
   * row group; nothing when the range is empty.
   *
   * @param columns One typed column per file column, in file order.
   * @param from The first row.
   * @param to The row after the last.
   */
  addColumns(columns: readonly TypedColumn[], from: number, to: number): void {
    if (to <= from) return;
    const start = this.bytes;
    const chunks: ColumnChunk[] = [];
    let uncompressed = 0;
    this.#columns.forEach((column, i) => {
      const chunk = this.#chunk(column, this.#schema[i + 1]!, columns[i]!, from, to);
      uncompressed += Number(chunk.meta_data!.total_uncompressed_size);
      chunks.push(chunk);
    });
    this.#groups.push({
      columns: chunks,
      num_rows: BigInt(to - from),
      total_byte_size: BigInt(uncompressed),
      total_compressed_size: BigInt(this.bytes - start),
      ...(this.#keyOrdered ? { sorting_columns: [...KEY_SORTING_COLUMNS] } : {}),
    });
    this.#rows += to - from;
  }

  /** Writes the page index, the footer and the closing magic number. */
  finish(): void {
    const out = this.#out;
    const chunks = this.#groups.flatMap((g) => g.columns);
    const pageIndex = writePageIndex(out, this.bytes, chunks, this.#indexes);
    const start = writeFileMetaData(out, {
      version: 2,
      created_by: CREATED_BY,
      schema: this.#schema,
      num_rows: BigInt(this.#rows),
      row_groups: this.#groups,
      key_value_metadata: [
        ...(this.#keyOrdered ? [{ ...KEY_ORDER_ENTRY }] : []),
        pageIndex,
        { key: FOOTER_CRC_KEY, value: FOOTER_CRC_PLACEHOLDER },
      ],
      metadata_length: 0,
    });
    sealFooter(out.data.subarray(start, out.length - 4));
    this.#out.view.setUint32(this.#out.reserve(4), _MAGIC, true);
  }

  /** @returns A copy of the bytes encoded since the last call; the buffer is reused. */
  take(): Uint8Array {
    const bytes = this.#out.bytes().slice();
    this.#offset += this.#out.length;
    this.#out.reset();
    return bytes;
  }

  #chunk(
    column: ParquetColumn,
    element: SchemaElement,
    values: TypedColumn,
    from: number,
    to: number,
  ): ColumnChunk {
    const stats = column.name === EVENT_TIME
      ? _minMax(values.data as Float64Array, from, to)
      : column.name === KEY && this.#keyOrdered
      ? _keyRange(values, from, to)
      : undefined;
    const offset = this.bytes;
    const index = new PageIndexBuilder(column.name === KEY);
    let snappy: boolean | undefined;
    let raw = 0;
    for (let first = from; first < to; first += PAGE_ROWS) {
      const last = Math.min(first + PAGE_ROWS, to);
      const page = this.#pageBytes(column, values, first, last);
      snappy ??= _compressible(page.bytes);
      const at = this.bytes;
      raw += this.#appendPage(page.bytes, snappy, last - first) + page.bytes.length;
      const range = stats &&
        (column.name === EVENT_TIME
          ? _minMax(values.data as Float64Array, first, last)
          : _keyRange(values, first, last));
      index.add({
        offset: at,
        bytes: this.bytes - at,
        row: first - from,
        nulls: page.nulls,
        range,
      });
    }
    this.#indexes.push(index);
    return {
      file_offset: BigInt(offset),
      meta_data: {
        type: element.type!,
        encodings: ["PLAIN", "RLE"],
        path_in_schema: [column.name],
        codec: snappy ? "SNAPPY" : "UNCOMPRESSED",
        num_values: BigInt(to - from),
        total_uncompressed_size: BigInt(raw),
        total_compressed_size: BigInt(this.bytes - offset),
        data_page_offset: BigInt(offset),
        ...(stats ? { statistics: { ...stats, null_count: 0n } } : {}),
      },
    };
  }

  /** The uncompressed bytes of one page: rows `[first, last)`, and its number of nulls. */
  #pageBytes(column: ParquetColumn, values: TypedColumn, first: number, last: number) {
    const page = this.#page;
    page.reset();
    const nulls = column.nullable ? page.levels(values.nulls, first, last) : 0;
    page.plain(values, first, last, nulls === 0 ? undefined : values.nulls);
    return { bytes: page.bytes(), nulls };
  }

  /** Appends a page (header and bytes); returns the header's size. */
  #appendPage(raw: Uint8Array, snappy: boolean, rows: number): number {
    const compressed = snappy ? snappyCompress(raw) : raw;
    const offset = this.bytes;
    writePageHeader(this.#out, {
      uncompressedSize: raw.length,
      compressedSize: compressed.length,
      crc: crc32(compressed),
      values: rows,
    });
    const header = this.bytes - offset;
    this.#out.append(compressed);
    return header;
  }
}

/**
 * Writes one Parquet file row group by row group; bytes reach the sink after each row group.
 *
 * @example Write a file and read it back
 * ```ts
 * import { FastParquetWriter } from "./encode.ts";
 * import { parquetReadObjects } from "npm:hyparquet@1.31.5";
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
  readonly #encoder: ParquetEncoder;
  readonly #sink: ByteSink;

  /**
   * Starts a file (its magic number reaches the sink with the first row group).
   *
   * @param columns The file's columns, in file order.
   * @param sink Receives the bytes.
   * @param options Whether the rows come in key order.
   */
  constructor(columns: readonly ParquetColumn[], sink: ByteSink, options: EncoderOptions = {}) {
    this.#encoder = new ParquetEncoder(columns, options);
    this.#sink = sink;
  }

  /** Rows written so far. */
  get rows(): number {
    return this.#encoder.rows;
  }

  /** Bytes produced so far. */
  get bytes(): number {
    return this.#encoder.bytes;
  }

  /**
   * Writes one row group and hands its bytes to the sink.
   *
   * @param values One array per column, all of the same length.
   */
  async writeRowGroup(values: readonly (readonly Value[])[]): Promise<void> {
    if ((values[0]?.length ?? 0) === 0) return;
    this.#encoder.addValues(values);
    await this.#sink(this.#encoder.take());
  }

  /**
   * Writes one row group from typed columns and hands its bytes to the sink.
   *
   * @param columns One typed column per file column, in file order.
   * @param rows The rows to write (the first `rows` values of each column).
   */
  async writeColumns(columns: readonly TypedColumn[], rows: number): Promise<void> {
    if (rows === 0) return;
    this.#encoder.addColumns(columns, 0, rows);
    await this.#sink(this.#encoder.take());
  }

  /** Writes the footer and hands the last bytes to the sink. */
  async finish(): Promise<void> {
    this.#encoder.finish();
    await this.#sink(this.#encoder.take());
  }
}

/** The first and last key of rows `[from, to)` of a key-ordered row group, as its statistics. */
function _keyRange(values: TypedColumn, from: number, to: number) {
  const starts = values.starts!;
  const lengths = values.lengths!;
  const last = to - 1;
  return keyStatistics(
    values.data as Uint8Array,
    [starts[from]!, starts[from]! + lengths[from]!],
    [starts[last]!, starts[last]! + lengths[last]!],
  );
}

/**
 * Whether a chunk is worth compressing, from its first page: small pages always are; for larger
 * ones, the first 64 KiB must shrink by a tenth (random numbers do not, and compressing them cost
 * the write path a tenth of its time for nothing).
 */
function _compressible(raw: Uint8Array): boolean {
  if (raw.length < _SMALL) return true;
  const sample = raw.subarray(0, _SAMPLE);
  return snappyCompress(sample).length < sample.length * 0.9;
}

const _SAMPLE = 1 << 16;
const _SMALL = 1 << 12;

function _minMax(
  values: Float64Array,
  from: number,
  to: number,
): { min_value: bigint; max_value: bigint } {
  let min = Infinity;
  let max = -Infinity;
  for (let i = from; i < to; i++) {
    const v = values[i]!;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return { min_value: BigInt(min), max_value: BigInt(max) };
}
