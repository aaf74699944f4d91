/**
 * One data page of a flat column (a top-level column, required or optional) read into typed arrays:
 * definition levels as one byte per row, dictionary indices as an `Int32Array`, and PLAIN numbers
 * as a typed array of their own. hyparquet's page reader makes a JS array of levels and of indices
 * per page; pages of other encodings (and v2 pages) still go through it.
 *
 * @module
 */

import type { DecodedArray, PageHeader } from "npm:hyparquet@1.31.5";
import { decompressPage, readDataPage, readDataPageV2 } from "npm:hyparquet@1.31.5/src/datapage.js";
import type { ColumnDecoder } from "./hyparquet_types.ts";
import { readHybrid } from "./hybrid.ts";

/** A data page of a flat column. */
export interface FlatPage {
  /** Per row, 1 where it holds a value and 0 where it is null; empty when no row is null. */
  readonly levels: Uint8Array;
  /** For a dictionary-encoded page: per value, its index in the chunk's dictionary. */
  readonly indices?: Int32Array;
  /** For any other page: its values (not null), as hyparquet's readers give them. */
  readonly values?: DecodedArray;
}

const _NO_LEVELS = new Uint8Array(0);

/**
 * Reads the data page (v1 or v2) whose bytes start at the reader, and moves the reader past it.
 *
 * @param chunk The column chunk's bytes.
 * @param reader Its position, at the page's data (after the header).
 * @param header The page header.
 * @param decoder The column.
 * @returns The page.
 * @throws {Error} When the page is of another type or does not decode.
 */
export function readFlatPage(
  chunk: Uint8Array,
  reader: { offset: number },
  header: PageHeader,
  decoder: ColumnDecoder,
): FlatPage {
  const compressed = storedPage(chunk, reader, header);
  const daph = header.data_page_header;
  if (header.type === "DATA_PAGE" && daph) {
    const page = uncompressedPage(compressed, header, decoder);
    return _v1(page, daph.num_values, daph.encoding, decoder) ??
      _typed(readDataPage(page, daph, decoder), daph.num_values, daph.encoding);
  }
  const v2 = header.data_page_header_v2;
  if (header.type === "DATA_PAGE_V2" && v2) {
    return _typed(readDataPageV2(compressed, header, decoder), v2.num_values, v2.encoding);
  }
  throw new Error(`parquet unsupported page type: ${header.type}`);
}

/**
 * The bytes of the page at the reader, as stored (compressed); the reader is advanced past them.
 *
 * @param chunk The column chunk's bytes.
 * @param reader Its position, at the page's data (after the header).
 * @param header The page header.
 * @returns The page's stored bytes.
 */
export function storedPage(
  chunk: Uint8Array,
  reader: { offset: number },
  header: PageHeader,
): Uint8Array {
  const stored = chunk.subarray(reader.offset, reader.offset + header.compressed_page_size);
  reader.offset += header.compressed_page_size;
  return stored;
}

/**
 * A v1 data page's or a dictionary page's bytes, uncompressed.
 *
 * @param stored The page's stored bytes ({@linkcode storedPage}).
 * @param header The page header.
 * @param decoder The column.
 * @returns The uncompressed bytes.
 */
export function uncompressedPage(
  stored: Uint8Array,
  header: PageHeader,
  decoder: ColumnDecoder,
): Uint8Array {
  return decompressPage(stored, header.uncompressed_page_size, decoder.codec, decoder.compressors);
}

/** A v1 page of definition levels of width 1 at most and dictionary or PLAIN numbers, else none. */
function _v1(
  page: Uint8Array,
  rows: number,
  encoding: string,
  decoder: ColumnDecoder,
): FlatPage | undefined {
  const repetition = decoder.element.repetition_type;
  const dictionary = encoding === "RLE_DICTIONARY" || encoding === "PLAIN_DICTIONARY";
  const width = _plainWidth(decoder.type);
  if (decoder.schemaPath.length !== 2 || repetition === "REPEATED") return undefined;
  if (!dictionary && (encoding !== "PLAIN" || width === 0)) return undefined;
  const { levels, count, at } = definitionLevels(page, rows, decoder);
  if (dictionary) {
    const indices = new Int32Array(count);
    const bits = page[at];
    if (bits === undefined && count > 0) throw new Error("parquet page lacks its index bit width");
    if (bits) readHybrid(page, at + 1, page.length, bits, indices);
    return { levels, indices };
  }
  if (at + count * width > page.length) {
    throw new Error(`parquet page holds fewer than its ${count} values`);
  }
  const bytes = page.slice(at, at + count * width).buffer;
  const values = width === 8
    ? (decoder.type === "DOUBLE" ? new Float64Array(bytes) : new BigInt64Array(bytes))
    : (decoder.type === "FLOAT" ? new Float32Array(bytes) : new Int32Array(bytes));
  return { levels, values };
}

/**
 * The definition levels at the start of a v1 page of a flat column (none for a required column), as
 * one byte per row: 1 where the row holds a value.
 *
 * @param page The page's decompressed bytes.
 * @param rows The page's rows (`num_values` of its header).
 * @param decoder The column.
 * @returns The levels (empty when no row is null), the number of values, and where they start.
 * @throws {Error} When the levels do not decode.
 */
export function definitionLevels(
  page: Uint8Array,
  rows: number,
  decoder: ColumnDecoder,
): { levels: Uint8Array; count: number; at: number } {
  if (decoder.element.repetition_type === "REQUIRED") {
    return { levels: _NO_LEVELS, count: rows, at: 0 };
  }
  if (page.length < 4) throw new Error("parquet page too short for its definition levels");
  const length = new DataView(page.buffer, page.byteOffset, 4).getUint32(0, true);
  const levels = new Uint8Array(rows);
  readHybrid(page, 4, Math.min(4 + length, page.length), 1, levels);
  let count = 0;
  for (let i = 0; i < rows; i++) count += levels[i]!;
  return { levels: count === rows ? _NO_LEVELS : levels, count, at: 4 + length };
}

/** Bytes per PLAIN value of the numeric types read here; 0 for the others. */
function _plainWidth(type: string): number {
  if (type === "INT64" || type === "DOUBLE") return 8;
  if (type === "INT32" || type === "FLOAT") return 4;
  return 0;
}

/**
 * A page hyparquet read, with its definition levels (of its `rows` rows) as bytes and, when it is
 * dictionary-encoded, its indices as an `Int32Array`.
 */
function _typed(
  read: { definitionLevels: ArrayLike<number> | undefined; dataPage: DecodedArray },
  rows: number,
  encoding: string,
): FlatPage {
  const theirs = read.definitionLevels ?? [];
  const levels = theirs.length === 0 ? _NO_LEVELS : Uint8Array.from(theirs).subarray(0, rows);
  if (!encoding.endsWith("_DICTIONARY")) return { levels, values: read.dataPage };
  return { levels, indices: Int32Array.from(read.dataPage as ArrayLike<number>) };
}
