/**
 * String columns decoded as bytes: a page's strings stay where decompression put them (a start and
 * an end per value), and a chunk's pages are copied once into one {@linkcode Utf8Data} (Arrow's
 * offsets-and-bytes layout). Plain-encoded v1 pages, what azof writes, are read here without
 * hyparquet making an object per value.
 *
 * @module
 */

import type { PageHeader } from "npm:hyparquet@1.31.5";
import type { ColumnDecoder } from "./hyparquet_types.ts";
import type { Utf8Data } from "../columns/column_data.ts";
import { definitionLevels, storedPage, uncompressedPage } from "./flat_page.ts";

/** Strings: value `j` is `bytes[starts[j] .. ends[j])`. */
export interface Strings {
  /** Holds the strings' bytes. */
  readonly bytes: Uint8Array;
  /** Where each value starts in `bytes`. */
  readonly starts: Int32Array;
  /** Where each value ends in `bytes` (exclusive). */
  readonly ends: Int32Array;
}

/** One data page of a string column. */
export interface StringPage {
  /** A definition level per row (0: null); empty when no row is null. */
  readonly levels: Uint8Array;
  /** The page's non-null values, or the dictionary `indices` point into. */
  readonly strings: Strings;
  /** Per non-null value, its entry in `strings`, for dictionary-encoded pages. */
  readonly indices?: Int32Array;
}

/**
 * Strings from byte arrays (a dictionary page, or a page hyparquet decoded), copied together.
 *
 * @param values The values.
 * @returns The same strings in one buffer.
 */
export function stringsOf(values: readonly Uint8Array[]): Strings {
  const starts = new Int32Array(values.length);
  const ends = new Int32Array(values.length);
  let total = 0;
  for (const v of values) total += v.length;
  const bytes = new Uint8Array(total);
  let at = 0;
  values.forEach((v, j) => {
    bytes.set(v, at);
    starts[j] = at;
    at += v.length;
    ends[j] = at;
  });
  return { bytes, starts, ends };
}

/**
 * Reads a v1 data page of PLAIN byte arrays of a flat column at the reader, without an object per
 * value; other pages are left to hyparquet.
 *
 * @param chunk The column chunk's bytes.
 * @param reader Its position, at the page's data (after the header); advanced past the page.
 * @param header The page header.
 * @param decoder The column.
 * @returns The page, or `undefined` (reader unmoved) when it is not such a page.
 */
export function plainStringPage(
  chunk: Uint8Array,
  reader: { offset: number },
  header: PageHeader,
  decoder: ColumnDecoder,
): StringPage | undefined {
  const daph = header.data_page_header;
  if (header.type !== "DATA_PAGE" || daph?.encoding !== "PLAIN" || decoder.type !== "BYTE_ARRAY") {
    return undefined;
  }
  const page = uncompressedPage(storedPage(chunk, reader, header), header, decoder);
  const { levels, count, at } = definitionLevels(page, daph.num_values, decoder);
  return { levels, strings: _plainStrings(page, at, count) };
}

/**
 * Reads a dictionary page of PLAIN byte arrays at the reader, without an object per value.
 *
 * @param chunk The column chunk's bytes.
 * @param reader Its position, at the page's data (after the header); advanced past the page.
 * @param header The page header.
 * @param decoder The column.
 * @returns The dictionary's strings.
 * @throws {Error} When the page does not hold its values.
 */
export function dictionaryStrings(
  chunk: Uint8Array,
  reader: { offset: number },
  header: PageHeader,
  decoder: ColumnDecoder,
): Strings {
  const page = uncompressedPage(storedPage(chunk, reader, header), header, decoder);
  return _plainStrings(page, 0, header.dictionary_page_header?.num_values ?? 0);
}

/** `count` PLAIN byte arrays (a 4-byte length, then the bytes) from `page[at..]`. */
function _plainStrings(page: Uint8Array, at: number, count: number): Strings {
  const view = new DataView(page.buffer, page.byteOffset, page.byteLength);
  const starts = new Int32Array(count);
  const ends = new Int32Array(count);
  let offset = at;
  for (let j = 0; j < count && offset + 4 <= page.length; j++) {
    const length = view.getUint32(offset, true);
    starts[j] = offset + 4;
    offset += 4 + length;
    ends[j] = offset;
  }
  if (offset > page.length || (count > 0 && ends[count - 1] === 0)) {
    throw new Error(`a page's ${count} strings run past its ${page.length} bytes`);
  }
  return { bytes: page, starts, ends };
}

/**
 * Lays a chunk's string pages out as one column, a null wherever the definition level is 0.
 *
 * @param pages The pages in order.
 * @param rows The rows the footer gives the row group.
 * @returns The column.
 * @throws {Error} When the pages hold another number of rows, or an index past the dictionary.
 */
export function utf8Column(pages: readonly StringPage[], rows: number): Utf8Data {
  const offsets = new Int32Array(rows + 1);
  let out = new Uint8Array(_bytesOf(pages));
  let nulls: Uint8Array | undefined;
  let at = 0;
  let row = 0;
  for (const { levels, strings, indices } of pages) {
    const { bytes, starts, ends } = strings;
    const values = indices?.length ?? starts.length;
    const count = levels.length || values;
    let v = 0;
    for (let i = 0; i < count; i++, row++) {
      if (levels.length > 0 && levels[i] === 0) {
        (nulls ??= new Uint8Array(rows))[row] = 1;
        offsets[row + 1] = at;
        continue;
      }
      const k = indices ? indices[v]! : v;
      v++;
      const start = starts[k];
      const end = ends[k]!;
      if (start === undefined) {
        throw new Error(`dictionary index ${k} is past its ${starts.length}`);
      }
      if (at + end - start > out.length) {
        const grown = new Uint8Array(Math.max(out.length * 2, at + end - start));
        grown.set(out.subarray(0, at));
        out = grown;
      }
      if (end - start > 32) out.set(bytes.subarray(start, end), at);
      else for (let b = start, p = at; b < end; b++, p++) out[p] = bytes[b]!;
      at += end - start;
      offsets[row + 1] = at;
    }
    if (v !== values) throw new Error(`a page holds ${values} values for ${v} rows`);
  }
  if (row !== rows) throw new Error(`decoded ${row} values, the footer says ${rows} rows`);
  return { kind: "utf8", offsets, bytes: out.subarray(0, at), ...(nulls ? { nulls } : {}) };
}

/** The bytes of the pages' strings, a dictionary entry counted as often as it is used. */
function _bytesOf(pages: readonly StringPage[]): number {
  let total = 0;
  for (const { strings: { starts, ends }, indices } of pages) {
    if (!indices) {
      for (let j = 0; j < starts.length; j++) total += ends[j]! - starts[j]!;
      continue;
    }
    for (let i = 0; i < indices.length; i++) {
      const k = indices[i]!;
      if (k >= 0 && k < starts.length) total += ends[k]! - starts[k]!;
    }
  }
  return total;
}
