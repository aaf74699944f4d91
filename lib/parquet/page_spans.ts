/**
 * Reading a row group's Parquet page index (`OffsetIndex`, and the `key` `ColumnIndex`) to decode
 * only some of its pages (docs/SPEC.md §5.7). A row group qualifies when every column chunk has an
 * offset index, no chunk has a dictionary page, and every column's pages start at the same rows
 * (azof's own files); other row groups are read whole. The index bytes are checked against the
 * footer's `azof.page_index_crc32` when it has one.
 *
 * @module
 */

import type { FileMetaData, OffsetIndex } from "npm:hyparquet@1.31.5";
import { readColumnIndex, readOffsetIndex } from "npm:hyparquet@1.31.5/src/indexes.js";
import { KEY } from "../format/schema.ts";
import type { ReadRange } from "./integrity.ts";
import { type ChunkRange, chunkRanges, corrupt } from "./page_crc.ts";
import { hexCrc32 } from "./footer_crc.ts";
import { PAGE_INDEX_CRC_KEY } from "./page_index.ts";

type _PageLocation = OffsetIndex["page_locations"][number];

/** One page of a row group whose pages share row boundaries across columns. */
export interface PageInfo {
  /** Number of rows. */
  readonly rows: number;
  /** Smallest `key` of the page, when the file has a `key` column index. */
  readonly minKey?: string;
  /** Greatest `key` of the page (or an upper bound), when the file has a `key` column index. */
  readonly maxKey?: string;
}

/** Pages `[from, to)` of a row group (indices into its {@linkcode PageInfo} list). */
export interface PageSpan {
  /** The first page. */
  readonly from: number;
  /** The page after the last. */
  readonly to: number;
}

/** A row group's page index, as {@linkcode readPageIndex} finds it. */
export interface RowGroupPages {
  /** The pages, in row order. */
  readonly pages: readonly PageInfo[];
  /** Each page's first row within the row group. */
  readonly starts: readonly number[];
  /** Each column's page locations, by file column name. */
  readonly locations: ReadonlyMap<string, readonly _PageLocation[]>;
}

/** The bytes and rows of a {@linkcode PageSpan}. */
export interface SpanPart {
  /** One byte range per column: its pages of the span. */
  readonly ranges: ChunkRange[];
  /** The span's first row within the row group. */
  readonly first: number;
  /** The span's number of rows. */
  readonly rows: number;
}

/** The page index bytes of a file (every column and offset index), read once. */
export interface PageIndexBytes {
  /** The bytes. */
  readonly view: DataView;
  /** Their offset in the file. */
  readonly start: number;
}

/**
 * Reads a file's page index bytes and checks them against the footer's
 * `azof.page_index_crc32` when it has one.
 *
 * @param read Reads bytes of the file.
 * @param metadata The file's footer.
 * @param file The file name, for messages.
 * @returns The bytes, or `undefined` when no column chunk has an index.
 * @throws {AzofError} `DataCorrupt` when the checksum does not match.
 */
export async function loadPageIndex(
  read: ReadRange,
  metadata: FileMetaData,
  file: string,
): Promise<PageIndexBytes | undefined> {
  const pieces = metadata.row_groups.flatMap((g) => g.columns).flatMap((c) => [
    ...(c.offset_index_offset !== undefined && c.offset_index_length !== undefined
      ? [[Number(c.offset_index_offset), c.offset_index_length]]
      : []),
    ...(c.column_index_offset !== undefined && c.column_index_length !== undefined
      ? [[Number(c.column_index_offset), c.column_index_length]]
      : []),
  ]);
  if (pieces.length === 0) return undefined;
  const start = Math.min(...pieces.map(([at]) => at!));
  const end = Math.max(...pieces.map(([at, length]) => at! + length!));
  const bytes = new Uint8Array(await read(start, end));
  const crc = metadata.key_value_metadata?.find((e) => e.key === PAGE_INDEX_CRC_KEY)?.value;
  if (crc !== undefined && hexCrc32(bytes) !== crc) {
    throw corrupt(file, "page index checksum mismatch");
  }
  return { view: new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength), start };
}

/**
 * The page index of one row group.
 *
 * @param bytes The file's page index bytes ({@linkcode loadPageIndex}).
 * @param metadata The file's footer.
 * @param rowGroup The row group index.
 * @param parsers Converters of statistics (the `key` min/max become strings).
 * @returns The pages, or `undefined` when the row group does not qualify.
 */
export function readPageIndex(
  bytes: PageIndexBytes,
  metadata: FileMetaData,
  rowGroup: number,
  parsers: Parameters<typeof readColumnIndex>[2],
): RowGroupPages | undefined {
  const group = metadata.row_groups[rowGroup];
  const chunks = group?.columns ?? [];
  if (
    group === undefined || chunks.length === 0 ||
    chunks.some((c) =>
      c.offset_index_offset === undefined ||
      Number(c.meta_data?.dictionary_page_offset ?? 0n) > 0
    )
  ) return undefined;
  const at = (offset: bigint | undefined) => ({
    view: bytes.view,
    offset: Number(offset) - bytes.start,
  });
  const locations = new Map<string, _PageLocation[]>();
  for (const c of chunks) {
    const pages = readOffsetIndex(at(c.offset_index_offset)).page_locations;
    locations.set(c.meta_data!.path_in_schema[0]!, pages);
  }
  const starts = [...locations.values()][0]!.map((p) => Number(p.first_row_index));
  for (const pages of locations.values()) {
    const same = pages.length === starts.length &&
      pages.every((p, i) => Number(p.first_row_index) === starts[i]);
    if (!same) return undefined;
  }
  const rows = Number(group.num_rows);
  const keyChunk = chunks.find((c) => c.meta_data?.path_in_schema[0] === KEY);
  const element = metadata.schema.find((e) => e.name === KEY && e.type !== undefined);
  const keys = keyChunk?.column_index_offset !== undefined && element
    ? _keyRanges(readColumnIndex(at(keyChunk.column_index_offset), element, parsers))
    : undefined;
  const pages = starts.map((first, i): PageInfo => ({
    rows: (starts[i + 1] ?? rows) - first,
    ...(keys?.[i] ?? {}),
  }));
  return { pages, starts, locations };
}

function _keyRanges(
  index: { null_pages: boolean[]; min_values: unknown[]; max_values: unknown[] },
) {
  return index.null_pages.map((empty, i) => {
    const minKey = index.min_values[i];
    const maxKey = index.max_values[i];
    return !empty && typeof minKey === "string" && typeof maxKey === "string"
      ? { minKey, maxKey }
      : {};
  });
}

/**
 * Where pages `span` of the named columns lie, and which rows they hold.
 *
 * @param index The row group's page index.
 * @param rowGroup The row group index (for messages).
 * @param columns File column names.
 * @param span The pages.
 * @returns One range per column the row group has.
 */
export function spanPart(
  index: RowGroupPages,
  rowGroup: number,
  columns: Iterable<string>,
  span: PageSpan,
): SpanPart {
  const ranges: ChunkRange[] = [];
  for (const column of columns) {
    const pages = index.locations.get(column);
    if (pages === undefined) continue;
    const last = pages[span.to - 1]!;
    ranges.push({
      rowGroup,
      column,
      start: Number(pages[span.from]!.offset),
      end: Number(last.offset) + last.compressed_page_size,
    });
  }
  const first = index.starts[span.from]!;
  let rows = 0;
  for (let i = span.from; i < span.to; i++) rows += index.pages[i]!.rows;
  return { ranges, first, rows };
}

/**
 * A file's page index, read and checked on first use, with each row group's pages parsed once.
 *
 * @example A file without a page index
 * ```ts
 * import { FilePageIndex } from "./page_spans.ts";
 * import type { FileMetaData } from "npm:hyparquet@1.31.5";
 * const metadata: FileMetaData = {
 *   version: 2, schema: [], num_rows: 0n, row_groups: [], metadata_length: 0,
 * };
 * const index = new FilePageIndex(() => Promise.resolve(new ArrayBuffer(0)), metadata, "f", {});
 * console.log(await index.rowGroup(0)); // undefined
 * ```
 */
export class FilePageIndex {
  readonly #read: ReadRange;
  readonly #metadata: FileMetaData;
  readonly #file: string;
  readonly #parsers: Parameters<typeof readColumnIndex>[2];
  readonly #groups = new Map<number, RowGroupPages | undefined>();
  #bytes: Promise<PageIndexBytes | undefined> | undefined;

  /**
   * @param read Reads bytes of the file.
   * @param metadata The file's footer.
   * @param file The file name, for messages.
   * @param parsers Converters of statistics.
   */
  constructor(
    read: ReadRange,
    metadata: FileMetaData,
    file: string,
    parsers: Parameters<typeof readColumnIndex>[2],
  ) {
    this.#read = read;
    this.#metadata = metadata;
    this.#file = file;
    this.#parsers = parsers;
  }

  /** Reads the page index bytes (once) and checks their checksum. */
  async check(): Promise<void> {
    await this.#load();
  }

  /**
   * @param rowGroup The row group index.
   * @returns Its pages, or `undefined` when they cannot be read alone ({@linkcode readPageIndex}).
   */
  async rowGroup(rowGroup: number): Promise<RowGroupPages | undefined> {
    const bytes = await this.#load();
    if (bytes && !this.#groups.has(rowGroup)) {
      this.#groups.set(rowGroup, readPageIndex(bytes, this.#metadata, rowGroup, this.#parsers));
    }
    return this.#groups.get(rowGroup);
  }

  /**
   * The bytes and rows to decode of a row group: its chunks, or its pages `span`.
   *
   * @param rowGroup The row group index.
   * @param columns File column names.
   * @param span The pages, if only some.
   * @returns One range per column the row group has.
   * @throws {RangeError} When a span is asked of a row group without usable page index.
   */
  async part(rowGroup: number, columns: Iterable<string>, span?: PageSpan): Promise<SpanPart> {
    if (span === undefined) {
      const rows = Number(this.#metadata.row_groups[rowGroup]!.num_rows);
      return { ranges: chunkRanges(this.#metadata, rowGroup, columns), first: 0, rows };
    }
    const pages = await this.rowGroup(rowGroup);
    if (!pages) throw new RangeError(`row group ${rowGroup} has no usable page index`);
    return spanPart(pages, rowGroup, columns, span);
  }

  #load(): Promise<PageIndexBytes | undefined> {
    return this.#bytes ??= loadPageIndex(this.#read, this.#metadata, this.#file);
  }
}
