/**
 * The Parquet page index azof's encoder writes (docs/SPEC.md §5.7): each column chunk is cut into
 * pages of {@linkcode PAGE_ROWS} rows (the same rows in every column of a row group), and after the
 * row groups come a `ColumnIndex` (per page min/max and nulls) for each chunk with statistics, then
 * an `OffsetIndex` (where each page lies, its first row) for every chunk.
 *
 * @module
 */

import type { ColumnChunk, KeyValue } from "npm:hyparquet@1.31.5";
import type { ByteBuffer } from "../columns/byte_buffer.ts";
import { writeColumnIndex, writeOffsetIndex } from "./thrift.ts";
import { hexCrc32 } from "./footer_crc.ts";

/**
 * The footer key whose value is the CRC-32 of the page index bytes (eight lowercase hex digits), so
 * that a damaged page index is found before a reader relies on it.
 */
export const PAGE_INDEX_CRC_KEY = "azof.page_index_crc32";

/**
 * Appends the page index of a file's column chunks (all column indexes, then all offset indexes)
 * and sets their offsets and lengths in the chunks.
 *
 * @param out Where to write.
 * @param at The file offset of `out`'s end.
 * @param chunks The file's column chunks, row group after row group; changed in place.
 * @param builders Their pages, in the same order.
 * @returns The footer entry with the checksum of the bytes written.
 */
export function writePageIndex(
  out: ByteBuffer,
  at: number,
  chunks: readonly ColumnChunk[],
  builders: readonly PageIndexBuilder[],
): KeyValue {
  const start = out.length;
  const offset = () => at + out.length - start;
  chunks.forEach((c, i) => Object.assign(c, builders[i]!.writeColumnIndex(out, offset())));
  chunks.forEach((c, i) => Object.assign(c, builders[i]!.writeOffsetIndex(out, offset())));
  return { key: PAGE_INDEX_CRC_KEY, value: hexCrc32(out.data.subarray(start, out.length)) };
}

/** Rows per data page in the files azof writes (the last page of a row group may hold fewer). */
export const PAGE_ROWS = 8192;

/** One page as the encoder wrote it. */
export interface WrittenPage {
  /** Where its header starts in the file. */
  readonly offset: number;
  /** Its header and stored bytes. */
  readonly bytes: number;
  /** Its first row within the row group (as `first_row_index` counts). */
  readonly row: number;
  /** Its number of null values. */
  readonly nulls: number;
  /** Its smallest and greatest value, for a column with statistics. */
  readonly range?:
    | { readonly min_value: Uint8Array | bigint; readonly max_value: Uint8Array | bigint }
    | undefined;
}

/** Collects the pages of one column chunk and writes its page index. */
export class PageIndexBuilder {
  readonly #pages: WrittenPage[] = [];
  readonly #ascending: boolean;

  /** @param ascending Whether the pages' values ascend (`key` in a key-ordered file). */
  constructor(ascending: boolean) {
    this.#ascending = ascending;
  }

  /** @param page The next page of the chunk. */
  add(page: WrittenPage): void {
    this.#pages.push(page);
  }

  /**
   * Appends the chunk's `ColumnIndex` when its pages have min/max values.
   *
   * @param out Where to write.
   * @param at The file offset of `out`'s end.
   * @returns The chunk's `column_index_offset` and `column_index_length`, or nothing.
   */
  writeColumnIndex(out: ByteBuffer, at: number): Partial<ColumnChunk> {
    const pages = this.#pages;
    if (pages.some((p) => p.range === undefined)) return {};
    const start = out.length;
    writeColumnIndex(out, {
      min: pages.map((p) => p.range!.min_value),
      max: pages.map((p) => p.range!.max_value),
      nulls: pages.map((p) => p.nulls),
      ascending: this.#ascending,
    });
    return { column_index_offset: BigInt(at), column_index_length: out.length - start };
  }

  /**
   * Appends the chunk's `OffsetIndex`.
   *
   * @param out Where to write.
   * @param at The file offset of `out`'s end.
   * @returns The chunk's `offset_index_offset` and `offset_index_length`.
   */
  writeOffsetIndex(out: ByteBuffer, at: number): Partial<ColumnChunk> {
    const start = out.length;
    writeOffsetIndex(out, {
      page_locations: this.#pages.map((p) => ({
        offset: BigInt(p.offset),
        compressed_page_size: p.bytes,
        first_row_index: BigInt(p.row),
      })),
    });
    return { offset_index_offset: BigInt(at), offset_index_length: out.length - start };
  }
}
