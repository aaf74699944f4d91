/**
 * Decoding one row group's flat columns straight into {@linkcode ColumnData} with hyparquet's page
 * readers (page headers, decompression, levels, every encoding hyparquet knows), but without its row
 * assembly: strings stay UTF-8 bytes (never a JS string per value), numbers go into typed arrays,
 * and a dictionary page is dereferenced once per value as bytes or numbers.
 *
 * @module
 */

import type { AsyncBuffer, Compressors, DecodedArray, FileMetaData } from "npm:hyparquet@1.31.5";
import { parquetSchema } from "npm:hyparquet@1.31.5/src/metadata.js";
import { parquetHeader, readPage } from "npm:hyparquet@1.31.5/src/column.js";
import { convert, DEFAULT_PARSERS } from "npm:hyparquet@1.31.5/src/convert.js";
import type { ColumnData, ColumnKind } from "../columns/column_data.ts";
import type { ColumnDecoder } from "./hyparquet_types.ts";
import {
  dictionaryStrings,
  plainStringPage,
  type StringPage,
  type Strings,
  stringsOf,
  utf8Column,
} from "./decode_strings.ts";
import { chunkRanges } from "./page_crc.ts";
import type { SpanPart } from "./page_spans.ts";
import { checkIndices, placePage, timestampDivisor, timestampsToMs } from "./decode_numbers.ts";
import { readFlatPage } from "./flat_page.ts";

/** Converters of timestamps and dates, as hyparquet's `parsers` option takes them. */
export type Parsers = Partial<ColumnDecoder["parsers"]>;

/** What {@linkcode decodeFlatRowGroup} needs of the file besides its bytes. */
export interface FlatDecodeOptions {
  /** The file's footer. */
  readonly metadata: FileMetaData;
  /** Converters for timestamps (ms since the epoch) and dates. */
  readonly parsers: Parsers;
  /** Only these pages of the row group (lib/parquet/page_spans.ts), not its whole chunks. */
  readonly part?: Pick<SpanPart, "ranges" | "rows"> | undefined;
}

/** The converters azof reads with: timestamps and dates as ms since the epoch (a Float64). */
export const TIME_PARSERS: Parsers = {
  timestampFromMilliseconds: (v: bigint | null | undefined) => v == null ? null : Number(v),
  timestampFromMicroseconds: (v: bigint | null | undefined) =>
    v == null ? null : _floorDiv(v, 1000n),
  timestampFromNanoseconds: (v: bigint | null | undefined) =>
    v == null ? null : _floorDiv(v, 1000000n),
  dateFromDays: (v: number | null | undefined) => v == null ? null : v * 86_400_000,
};

function _floorDiv(value: bigint, by: bigint): number {
  const q = value / by;
  return Number(value < 0n && q * by !== value ? q - 1n : q);
}

/** Codecs hyparquet decompresses by itself; the others load hyparquet-compressors on first use. */
const _BUILT_IN = new Set(["UNCOMPRESSED", "SNAPPY"]);

let _compressors: Promise<Compressors> | undefined;

function _loadCompressors(): Promise<Compressors> {
  _compressors ??= import("npm:hyparquet-compressors@1.1.2").then((m) => m.compressors);
  return _compressors;
}

/**
 * Decodes the named top-level (flat) columns of one row group.
 *
 * @param file The file's bytes.
 * @param rowGroup The row group index.
 * @param kinds The layout of each column to decode; columns the file lacks are left out.
 * @param options The footer and converters.
 * @returns The decoded columns by name, each with the row group's rows (or the part's).
 * @throws {Error} When a page does not decode or the pages hold another number of rows.
 */
export async function decodeFlatRowGroup(
  file: AsyncBuffer,
  rowGroup: number,
  kinds: ReadonlyMap<string, ColumnKind>,
  options: FlatDecodeOptions,
): Promise<Map<string, ColumnData>> {
  const { metadata } = options;
  const tree = parquetSchema(metadata);
  const parsers = { ...DEFAULT_PARSERS, ...options.parsers };
  const group = metadata.row_groups[rowGroup]!;
  const ranges = options.part?.ranges ?? chunkRanges(metadata, rowGroup, kinds.keys());
  const bytes = await Promise.all(ranges.map((r) => file.slice(r.start, r.end)));
  const compressors = group.columns.some((c) => c.meta_data && !_BUILT_IN.has(c.meta_data.codec))
    ? await _loadCompressors()
    : undefined;
  const out = new Map<string, ColumnData>();
  ranges.forEach((range, i) => {
    const node = tree.children.find((c) => c.element.name === range.column)!;
    const chunk = group.columns.find((c) => c.meta_data?.path_in_schema[0] === range.column)!;
    const decoder: ColumnDecoder = {
      pathInSchema: [range.column],
      type: node.element.type!,
      element: node.element,
      schemaPath: [tree, node],
      codec: chunk.meta_data!.codec,
      parsers,
      ...(compressors ? { compressors } : {}),
    };
    const rows = options.part?.rows ?? Number(group.num_rows);
    out.set(
      range.column,
      _decodeChunk(new Uint8Array(bytes[i]!), decoder, kinds.get(range.column)!, rows),
    );
  });
  return out;
}

/**
 * One data page: a definition level per row (empty when none is null) and the non-null values, or
 * the dictionary and, per non-null value, its index there.
 */
interface _Page {
  readonly levels: Uint8Array;
  readonly values: DecodedArray;
  readonly indices?: Int32Array | undefined;
}

function _decodeChunk(
  bytes: Uint8Array,
  decoder: ColumnDecoder,
  kind: ColumnKind,
  rows: number,
): ColumnData {
  const reader = {
    view: new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength),
    offset: 0,
  };
  if (kind === "utf8") return utf8Column(_stringPages(bytes, reader, decoder), rows);
  const divisor = timestampDivisor(decoder.element);
  const typed = (data: DecodedArray): DecodedArray =>
    divisor !== undefined && data instanceof BigInt64Array
      ? timestampsToMs(data, divisor)
      : convert(data, decoder);
  let dictionary: DecodedArray | undefined;
  const pages: _Page[] = [];
  while (reader.offset < bytes.length) {
    const header = parquetHeader(reader);
    if (header.type === "DICTIONARY_PAGE") {
      dictionary = typed(readPage(reader, header, decoder, undefined, undefined, 0).data!);
      continue;
    }
    const { levels, indices, values } = readFlatPage(bytes, reader, header, decoder);
    if (!indices) {
      pages.push({ levels, values: typed(values!) });
      continue;
    }
    if (!dictionary) throw new Error("parquet dictionary page missing");
    checkIndices(indices, dictionary.length);
    pages.push({ levels, values: dictionary, indices });
  }
  return _column(pages, kind, rows);
}

/** The pages of a string column chunk, each with its strings as bytes (dictionary pages once). */
function _stringPages(
  bytes: Uint8Array,
  reader: { view: DataView; offset: number },
  decoder: ColumnDecoder,
): StringPage[] {
  let dictionary: Strings | undefined;
  const pages: StringPage[] = [];
  while (reader.offset < bytes.length) {
    const header = parquetHeader(reader);
    if (header.type === "DICTIONARY_PAGE") {
      dictionary = dictionaryStrings(bytes, reader, header, decoder);
      continue;
    }
    const plain = plainStringPage(bytes, reader, header, decoder);
    if (plain) {
      pages.push(plain);
      continue;
    }
    const { levels, indices, values } = readFlatPage(bytes, reader, header, decoder);
    if (indices && !dictionary) throw new Error("parquet dictionary page missing");
    pages.push(
      indices
        ? { levels, strings: dictionary!, indices }
        : { levels, strings: stringsOf(values as Uint8Array[]) },
    );
  }
  return pages;
}

/** Lays the pages' values out as one column, a null wherever the definition level is 0. */
function _column(
  pages: readonly _Page[],
  kind: Exclude<ColumnKind, "utf8">,
  rows: number,
): ColumnData {
  let nulls: Uint8Array | undefined;
  let row = 0;
  const place = (
    visit: (row: number, value: unknown) => void,
    target?: Float64Array | BigInt64Array,
  ) => {
    for (const page of pages) {
      const { levels, values, indices } = page;
      const count = indices ? indices.length : values.length;
      const pageRows = levels.length || count;
      let v = target ? placePage(target, values, page, row) : -1;
      if (v < 0) {
        v = 0;
        for (let i = 0; i < pageRows; i++) {
          if (levels.length > 0 && levels[i] === 0) continue;
          visit(row + i, values[indices ? indices[v]! : v]);
          v++;
        }
      }
      for (let i = 0; i < levels.length; i++) {
        if (levels[i] === 0) (nulls ??= new Uint8Array(rows))[row + i] = 1;
      }
      row += pageRows;
      if (v !== count) throw new Error(`a page holds ${count} values for ${v} rows`);
    }
    if (row !== rows) throw new Error(`decoded ${row} values, the footer says ${rows} rows`);
  };
  const withNulls = () => (nulls ? { nulls } : {});
  switch (kind) {
    case "f64": {
      const values = new Float64Array(rows);
      place((r, value) => (values[r] = Number(value)), values);
      return { kind, values, ...withNulls() };
    }
    case "i64": {
      const values = new BigInt64Array(rows);
      const big = (value: unknown) => typeof value === "bigint" ? value : BigInt(value as number);
      place((r, value) => (values[r] = big(value)), values);
      return { kind, values, ...withNulls() };
    }
    case "bool": {
      const values = new Uint8Array(rows);
      place((r, value) => (values[r] = value ? 1 : 0));
      return { kind, values, ...withNulls() };
    }
  }
}
