/**
 * Data files: reading a Parquet footer, checking it against the table schema, and decoding one row
 * group's columns into flat typed arrays ({@linkcode ColumnData}; hyparquet or parquet-wasm underneath).
 *
 * @module
 */

import type { FileMetaData } from "npm:hyparquet@1.31.5";
// hyparquet's modules, not its entry point, which loads node:fs (about 40 ms of start-up).
import { parquetMetadataAsync } from "npm:hyparquet@1.31.5/src/metadata.js";
import { AzofError } from "../errors.ts";
import { DELETED, EVENT_TIME, KEY, type Schema } from "../format/schema.ts";
import type { Table } from "../format/table.ts";
import { openWasmReader, type WasmReader } from "./decode_wasm.ts";
import { decodeFlatRowGroup, type FlatDecodeOptions, TIME_PARSERS } from "./decode_flat.ts";
import {
  allNull,
  type BoolData,
  type ColumnData,
  type ColumnKind,
  type F64Data,
  kindOf,
  type Utf8Data,
} from "../columns/column_data.ts";
import { type CacheBudget, FOOTER_BYTES, rangedReader } from "../store/ranged.ts";
import { KEY_ORDER_ENTRY } from "../format/key_order.ts";
import { readTail, type StoreTail } from "../store/store.ts";
import { checkDecoded, checkFooter, checkPages } from "./integrity.ts";
import { chunkRanges, corrupt } from "./page_crc.ts";
import { checkFileColumns, topLevelColumns } from "./data_file_columns.ts";
import { fileColumnView } from "./file_columns.ts";
import { FilePageIndex, type PageInfo, type PageSpan } from "./page_spans.ts";
import type { DecodeWorker } from "./decode_worker_client.ts";
import { AheadDecodes } from "./decode_ahead.ts";
import { readChunks } from "./chunk_reads.ts";

/** One row group of a data file, as its footer describes it. */
export interface RowGroupInfo {
  /** Number of rows. */
  readonly rows: number;
  /** Smallest `event_time` (ms) when the footer carries statistics. */
  readonly minEventTime?: number;
  /** Greatest `event_time` (ms) when the footer carries statistics. */
  readonly maxEventTime?: number;
  /** Smallest `key` (or a prefix of it) when the footer carries statistics. */
  readonly minKey?: string;
  /** An upper bound of the keys when the footer carries statistics. */
  readonly maxKey?: string;
}

/** The columns of one decoded row group. `key` and `event_time` are always present. */
export interface DecodedRowGroup {
  /** Number of rows. */
  readonly rows: number;
  /** The key of each row (never null). */
  readonly key: Utf8Data;
  /** The event time of each row, ms since the epoch. */
  readonly eventTime: Float64Array;
  /** 1 where the row deletes its key; absent when the file has no `_deleted` column. */
  readonly deleted?: Uint8Array;
  /** Requested schema columns by name; a nullable column the file lacks reads as all null. */
  readonly columns: ReadonlyMap<string, ColumnData>;
}

/** An opened data file: its footer checked against the schema, ready to decode row groups. */
export interface DataFile {
  /** The file name relative to the table folder. */
  readonly file: string;
  /** Size in bytes. */
  readonly bytes: number;
  /** Total rows. */
  readonly rows: number;
  /** Row groups in file order. */
  readonly rowGroups: readonly RowGroupInfo[];
  /** Whether the file has the `_deleted` column. */
  readonly hasDeleted: boolean;
  /**
   * The file's columns under the schema's names: `key`, `event_time`, `_deleted` when present, and
   * the schema columns it holds (found by column id or name, docs/SPEC.md §3.7).
   */
  readonly columns: readonly string[];
  /**
   * The Parquet column holding each of {@linkcode DataFile.columns}, by that name: the same name
   * but for a column renamed since the file was written (docs/SPEC.md §3.7).
   */
  readonly fileColumns: ReadonlyMap<string, string>;
  /** Whether the file declares key order (docs/SPEC.md §5.6): rows sorted by key, then time. */
  readonly keyOrdered: boolean;
  /**
   * Decodes row group `index` (or only its pages `span`), with `key`, `event_time`, `_deleted` and
   * the named schema columns.
   */
  readRowGroup(
    index: number,
    columns: readonly string[],
    span?: PageSpan,
  ): Promise<DecodedRowGroup>;
  /**
   * Decodes only the named columns of row group `index` (or of its pages `span`): `key`,
   * `event_time` or schema columns (a nullable column the file lacks reads as all null), to see
   * whether the rest is needed, or to decode it once it is.
   */
  readColumns(
    index: number,
    columns: readonly string[],
    span?: PageSpan,
  ): Promise<Map<string, ColumnData>>;
  /**
   * The pages of row group `index` when its page index lets them be read alone (every column's
   * pages start at the same rows, no dictionary pages: docs/SPEC.md §5.7), with their `key` ranges
   * when the index has them; `undefined` otherwise. A span of them can be passed to
   * `readRowGroup` and `readColumns`.
   */
  pages(index: number): Promise<readonly PageInfo[] | undefined>;
  /**
   * Starts fetching the bytes a later `readRowGroup(index, columns)` reads (with `ahead.span`, only
   * those pages), so that they arrive while other work runs. Does nothing (and returns `false`)
   * for files the WebAssembly decoder reads and for row groups of more than `ahead.maxBytes`
   * ({@linkcode PREFETCH_MAX_BYTES} by default). On a decoding worker
   * ({@linkcode DataFile.decodeOn}), starts decoding the row group there (any size; not pages).
   */
  prefetch(index: number, columns: readonly string[], ahead?: PrefetchOptions): boolean;
  /**
   * Decodes whole row groups on the worker from now on (lib/parquet/decode_worker_client.ts);
   * pages (`span`) are still decoded here. The decoded columns are the same.
   */
  decodeOn(worker: DecodeWorker): void;
}

/** What {@linkcode DataFile.prefetch} fetches: a row group's pages `span`, or a whole row group of at most `maxBytes`. */
export interface PrefetchOptions {
  /** Only these pages. */
  readonly span?: PageSpan | undefined;
  /** The largest row group fetched whole; {@linkcode PREFETCH_MAX_BYTES} by default. */
  readonly maxBytes?: number | undefined;
}

/**
 * The largest row group {@linkcode DataFile.prefetch} fetches ahead: half the ranged reader's cache,
 * so that prefetched bytes stay cached beside the row group being decoded until they are read.
 */
export const PREFETCH_MAX_BYTES: number = 8 * 1024 * 1024;

/**
 * Which Parquet decoder reads row groups: hyparquet (pure JS, with azof's typed-array decoders of
 * PLAIN and dictionary pages; starts instantly), parquet-wasm (arrow-rs in WebAssembly; compiling
 * it costs about 0.25 s and its memory only grows), or `"auto"`: parquet-wasm only for files of at
 * least {@linkcode WASM_MIN_BYTES} that do not declare key order and use some other encoding
 * (DELTA_*, BYTE_STREAM_SPLIT), which the JS path decodes value by value; the files of azof,
 * DuckDB and pyarrow decode faster in JS (docs/BENCHMARKS.md, "Foreign files in JS"). Both give
 * identical values.
 */
export type Decoder = "auto" | "hyparquet" | "wasm";

/**
 * Files this big or bigger are decoded with parquet-wasm under the `"auto"` decoder, unless they
 * declare key order.
 */
export const WASM_MIN_BYTES = 8 * 1024 * 1024;

/** Options of {@linkcode openDataFile}. */
export interface OpenDataFileOptions {
  /** The decoder; `"auto"` by default. */
  readonly decoder?: Decoder | undefined;
  /**
   * Bytes of the file kept once read (the CRC check's read serves the decoder, and prefetched row
   * groups wait here); 16 MiB by default. A scan merging many files at once keeps less per file.
   */
  readonly cacheBytes?: number | undefined;
  /** A cache budget shared with other files read at once; `cacheBytes` is then ignored. */
  readonly cache?: CacheBudget | undefined;
}

/**
 * Opens a data file of a table: reads its footer and checks that its columns fit the schema.
 *
 * @param table The table the file belongs to.
 * @param file The file name as written in the snapshot.
 * @param schema The table schema the file must fit.
 * @param options The decoder to use.
 * @returns The opened file.
 * @throws {AzofError} `DataInvalid` when the file is missing, not Parquet, or lacks a required column.
 */
export async function openDataFile(
  table: Table,
  file: string,
  schema: Schema,
  options: OpenDataFileOptions = {},
): Promise<DataFile> {
  const key = table.key(file);
  let tail: StoreTail;
  try {
    tail = await readTail(table.store, key, FOOTER_BYTES);
  } catch (error) {
    throw new AzofError(
      "DataInvalid",
      `Cannot read data file ${file} of table ${table.name}: it is missing`,
      { cause: error },
    );
  }
  const bytes = tail.size;
  const buffer = rangedReader(table.store, key, bytes, {
    known: tail,
    ...(options.cacheBytes ? { cacheBytes: options.cacheBytes } : {}),
    ...(options.cache ? { budget: options.cache } : {}),
  });
  await checkFooter(tail, (start, end) => buffer.slice(start, end), file);
  let metadata: FileMetaData;
  try {
    metadata = await parquetMetadataAsync(buffer, {
      parsers: TIME_PARSERS,
      initialFetchSize: FOOTER_BYTES,
    });
  } catch (error) {
    if (error instanceof AzofError) throw error;
    if (_hasMagic(tail)) throw corrupt(file, `footer does not parse (${(error as Error).message})`);
    throw new AzofError(
      "DataInvalid",
      `Cannot read data file ${file} of table ${table.name}: not a Parquet file (${
        (error as Error).message
      })`,
      { cause: error },
    );
  }
  const fileElements = topLevelColumns(metadata);
  // The file's columns under the schema's names (column ids, docs/SPEC.md §3.7).
  const view = fileColumnView(fileElements, schema, metadata.created_by);
  const elements = view.elements;
  const required = new Set(
    [...elements].filter(([, e]) => e.repetition_type === "REQUIRED").map(([name]) => name),
  );
  checkFileColumns(elements, file, view.schema);
  const hasDeleted = elements.has(DELETED);
  const etIndex = [...fileElements.keys()].indexOf(EVENT_TIME);
  const keyIndex = [...fileElements.keys()].indexOf(KEY);
  const rowGroups = metadata.row_groups.map((rg): RowGroupInfo => {
    const stats = rg.columns[etIndex]?.meta_data?.statistics;
    const min = stats?.min_value ?? stats?.min;
    const max = stats?.max_value ?? stats?.max;
    const keys = rg.columns[keyIndex]?.meta_data?.statistics;
    // Not the deprecated min/max: old writers ordered them by signed bytes.
    const minKey = keys?.min_value;
    const maxKey = keys?.max_value;
    return {
      rows: Number(rg.num_rows),
      ...(typeof min === "number" ? { minEventTime: min } : {}),
      ...(typeof max === "number" ? { maxEventTime: max } : {}),
      ...(typeof minKey === "string" && typeof maxKey === "string" ? { minKey, maxKey } : {}),
    };
  });
  const starts: number[] = [];
  let total = 0;
  for (const rg of rowGroups) {
    starts.push(total);
    total += rg.rows;
  }
  const fail = (error: unknown): never => {
    if (error instanceof AzofError) throw error;
    throw new AzofError(
      "DataCorrupt",
      `Cannot decode data file ${file} of table ${table.name}: ${(error as Error).message}`,
      { cause: error },
    );
  };
  const keyOrdered =
    metadata.key_value_metadata?.some((e) =>
      e.key === KEY_ORDER_ENTRY.key && e.value === KEY_ORDER_ENTRY.value
    ) ?? false;
  const decoder = options.decoder ?? "auto";
  const useWasm = decoder === "wasm" ||
    (decoder === "auto" && bytes >= WASM_MIN_BYTES && !keyOrdered && !_flatEncodings(metadata));
  let wasm: Promise<WasmReader> | undefined;
  // Chunks read for the page check are handed to the decoder as they are, not copied again.
  const checked = new Map<string, Promise<ArrayBuffer>>();
  const read = (start: number, end: number) =>
    checked.get(`${start}:${end}`) ?? buffer.slice(start, end);
  const checkedBuffer = { byteLength: bytes, slice: read };
  const pageIndex = new FilePageIndex(read, metadata, file, TIME_PARSERS);
  let onWorker: AheadDecodes | undefined;
  const decode = async (
    index: number,
    kinds: Map<string, ColumnKind>,
    span?: PageSpan,
    last = false,
  ): Promise<{ decoded: Map<string, ColumnData>; first: number; rows: number }> => {
    const part = await pageIndex.part(index, kinds.keys(), span);
    const done = span ? undefined : await onWorker?.read(index, kinds, last);
    // Row groups parquet-wasm decodes whole it reads as one range: read once, checked in place.
    const whole = useWasm && !span && !done ? _oneRange(part.ranges) : undefined;
    const ranges = done ? [] : whole ? [whole] : part.ranges;
    const keys = ranges.map((r) => `${r.start}:${r.end}`);
    let decoded: Map<string, ColumnData>;
    try {
      ranges.forEach((r, i) => checked.set(keys[i]!, buffer.slice(r.start, r.end)));
      const inWhole = async (start: number, end: number) =>
        new Uint8Array(await checked.get(keys[0]!)!, start - whole!.start, end - start);
      if (!done) await checkPages(whole ? inWhole : read, part.ranges, file);
      decoded = view.fromFile(done ?? await decodeWith(index, kinds, span && part));
    } finally {
      for (const key of keys) checked.delete(key);
    }
    checkDecoded(decoded, part.rows, required, file);
    return { decoded, first: part.first, rows: part.rows };
  };
  const decodeWith = (
    index: number,
    kinds: Map<string, ColumnKind>,
    part: FlatDecodeOptions["part"],
  ): Promise<Map<string, ColumnData>> => {
    if (!useWasm || part) {
      return decodeFlatRowGroup(checkedBuffer, index, kinds, {
        metadata,
        parsers: TIME_PARSERS,
        part,
      });
    }
    // parquet-wasm reads the page index by itself: check it first (a damaged one can make it abort).
    const reader = wasm ??= pageIndex.check().then(() => openWasmReader(read, bytes));
    return reader.then((reader) => reader.readRowGroup(index, kinds));
  };
  // Decode kinds by schema name: `key`, `event_time`, `_deleted` and the named columns the file has.
  const schemaKinds = (columns: readonly string[]): Map<string, ColumnKind> => {
    const kinds = new Map<string, ColumnKind>([[KEY, "utf8"], [EVENT_TIME, "f64"]]);
    if (hasDeleted) kinds.set(DELETED, "bool");
    for (const name of columns) {
      const column = view.schema.columns.find((c) => c.name === name);
      if (column && elements.has(name)) kinds.set(name, kindOf(column.type));
    }
    return kinds;
  };
  const kindsOf = (columns: readonly string[]) => view.toFile(schemaKinds(columns));
  return {
    file,
    bytes,
    rows: total,
    rowGroups,
    hasDeleted,
    columns: [...elements.keys()],
    fileColumns: new Map([...elements].map(([name, element]) => [name, element.name])),
    keyOrdered,
    readRowGroup: async (index, columns, span) => {
      try {
        const { decoded, first, rows } = await decode(index, kindsOf(columns), span);
        return _assemble(decoded, starts[index]! + first, rows, columns, schema);
      } catch (error) {
        return fail(error);
      }
    },
    readColumns: async (index, columns, span) => {
      try {
        const named = [...schemaKinds(columns)].filter(([name]) => columns.includes(name));
        const { decoded, rows } = await decode(index, view.toFile(new Map(named)), span, true);
        for (const name of columns) {
          const type = schema.columns.find((c) => c.name === name)?.type;
          if (!decoded.has(name) && type) decoded.set(name, allNull(kindOf(type), rows));
        }
        return decoded;
      } catch (error) {
        return fail(error);
      }
    },
    pages: async (index) => {
      try {
        return (await pageIndex.rowGroup(index))?.pages;
      } catch (error) {
        return fail(error);
      }
    },
    prefetch: (index, columns, ahead = {}) => {
      if (rowGroups[index] === undefined) return false;
      if (onWorker) {
        if (ahead.span) return false;
        onWorker.start(index, kindsOf(columns));
        return true;
      }
      if (useWasm) return false;
      const kinds = kindsOf(columns);
      if (ahead.span) {
        // Only a warm-up: a failure shows when the pages are read.
        pageIndex.part(index, kinds.keys(), ahead.span).then((part) => {
          for (const r of part.ranges) buffer.prefetch(r.start, r.end);
        }, () => {});
        return true;
      }
      const ranges = chunkRanges(metadata, index, kinds.keys());
      const total = ranges.reduce((sum, r) => sum + r.end - r.start, 0);
      if (total > (ahead.maxBytes ?? PREFETCH_MAX_BYTES)) return false;
      for (const r of ranges) buffer.prefetch(r.start, r.end);
      return true;
    },
    decodeOn: (worker) => {
      const metadataFor = useWasm ? undefined : metadata;
      const registered = worker.register({ name: file, size: bytes, metadata: metadataFor, read });
      onWorker = new AheadDecodes(registered, {
        ranges: (index, columns) => chunkRanges(metadata, index, columns),
        read: (ranges) => readChunks((start, end) => table.store.read(key, start, end), ranges),
        // parquet-wasm reads the page index by itself: check it first (as decodeWith does).
        ready: () => useWasm ? pageIndex.check() : Promise.resolve(),
      });
    },
  };
}

/** Encodings whose pages the JS path decodes straight into typed arrays (flat_page.ts). */
const _FLAT_ENCODINGS = new Set([
  "PLAIN",
  "RLE",
  "BIT_PACKED",
  "RLE_DICTIONARY",
  "PLAIN_DICTIONARY",
]);

/** Whether every column chunk of the file uses only {@linkcode _FLAT_ENCODINGS}. */
function _flatEncodings(metadata: FileMetaData): boolean {
  return metadata.row_groups.every((group) =>
    group.columns.every((chunk) =>
      (chunk.meta_data?.encodings ?? []).every((e) => _FLAT_ENCODINGS.has(e))
    )
  );
}

/** The one range that the chunk ranges make up when they follow each other without a gap. */
function _oneRange(
  ranges: readonly { readonly start: number; readonly end: number }[],
): { start: number; end: number } | undefined {
  const sorted = [...ranges].sort((a, b) => a.start - b.start);
  for (let i = 1; i < sorted.length; i++) {
    if (sorted[i]!.start !== sorted[i - 1]!.end) return undefined;
  }
  return sorted.length > 0 ? { start: sorted[0]!.start, end: sorted.at(-1)!.end } : undefined;
}

function _hasMagic(tail: StoreTail): boolean {
  const b = tail.bytes;
  return b.length >= 8 && new TextDecoder().decode(b.subarray(b.length - 4)) === "PAR1";
}

function _assemble(
  decoded: Map<string, ColumnData>,
  rowStart: number,
  rows: number,
  columns: readonly string[],
  schema: Schema,
): DecodedRowGroup {
  const key = decoded.get(KEY) as Utf8Data;
  const eventTime = decoded.get(EVENT_TIME)!;
  const keyNull = key.nulls?.indexOf(1) ?? -1;
  if (keyNull >= 0) throw new Error(`row ${rowStart + keyNull} has a null key`);
  const etNull = eventTime.nulls?.indexOf(1) ?? -1;
  if (etNull >= 0) throw new Error(`row ${rowStart + etNull} has a null event_time`);
  const values = new Map<string, ColumnData>();
  for (const name of columns) {
    const type = schema.columns.find((c) => c.name === name)!.type;
    values.set(name, decoded.get(name) ?? allNull(kindOf(type), rows));
  }
  const deleted = decoded.get(DELETED);
  return {
    rows,
    key,
    eventTime: (eventTime as F64Data).values,
    // Boolean columns hold 0 in null rows, so a null `_deleted` does not delete.
    ...(deleted ? { deleted: (deleted as BoolData).values } : {}),
    columns: values,
  };
}
