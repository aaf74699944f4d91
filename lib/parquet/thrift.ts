/**
 * The Thrift compact encoding of the Parquet structures azof writes: a data page's `PageHeader`
 * (with its CRC), the page index (`ColumnIndex`, `OffsetIndex`) and the footer's `FileMetaData`
 * (field ids as parquet.thrift numbers them). Only the fields azof's files use are written.
 *
 * @module
 */

import type { ColumnChunk, FileMetaData, OffsetIndex, SchemaElement } from "npm:hyparquet@1.31.5";
import type { ByteBuffer } from "../columns/byte_buffer.ts";

const _BOOL = 1;
const _I32 = 5;
const _I64 = 6;
const _BINARY = 8;
const _LIST = 9;
const _STRUCT = 12;

const _TYPES = ["BOOLEAN", "INT32", "INT64", "INT96", "FLOAT", "DOUBLE", "BYTE_ARRAY"];
const _REPETITION = ["REQUIRED", "OPTIONAL", "REPEATED"];
const _CONVERTED: Record<string, number> = { UTF8: 0, TIMESTAMP_MILLIS: 9 };
const _ENCODINGS: Record<string, number> = { PLAIN: 0, RLE: 3 };
const _CODECS: Record<string, number> = { UNCOMPRESSED: 0, SNAPPY: 1 };

/** A data page (v1, `PLAIN` values, `RLE` levels) header. */
export interface PageHeaderFields {
  /** Bytes of the page before compression. */
  readonly uncompressedSize: number;
  /** Bytes of the page as stored. */
  readonly compressedSize: number;
  /** CRC-32 of the stored (compressed) page bytes. */
  readonly crc: number;
  /** Values in the page, nulls included. */
  readonly values: number;
}

/** Writes Thrift compact fields into a {@linkcode ByteBuffer}. */
class _Writer {
  readonly out: ByteBuffer;
  #last: number[] = [0];

  constructor(out: ByteBuffer) {
    this.out = out;
  }

  field(id: number, type: number): void {
    const delta = id - this.#last[this.#last.length - 1]!;
    if (delta > 0 && delta <= 15) this.out.byte((delta << 4) | type);
    else {
      this.out.byte(type);
      this.zigzag(id);
    }
    this.#last[this.#last.length - 1] = id;
  }

  zigzag(n: number | bigint): void {
    const z = BigInt.asUintN(64, (BigInt(n) << 1n) ^ (BigInt(n) >> 63n));
    let v = z;
    while (v > 127n) {
      this.out.byte(Number(v & 127n) | 128);
      v >>= 7n;
    }
    this.out.byte(Number(v));
  }

  i32(id: number, n: number | undefined): void {
    if (n === undefined) return;
    this.field(id, _I32);
    this.zigzag(n);
  }

  i64(id: number, n: bigint | number | undefined): void {
    if (n === undefined) return;
    this.field(id, _I64);
    this.zigzag(n);
  }

  binary(id: number, value: string | Uint8Array | undefined): void {
    if (value === undefined) return;
    this.field(id, _BINARY);
    this.bytes(typeof value === "string" ? new TextEncoder().encode(value) : value);
  }

  bytes(value: Uint8Array): void {
    this.out.varint(value.length);
    this.out.append(value);
  }

  list<T>(id: number, type: number, items: readonly T[], each: (item: T) => void): void {
    this.field(id, _LIST);
    if (items.length > 14) {
      this.out.byte(0xf0 | type);
      this.out.varint(items.length);
    } else this.out.byte((items.length << 4) | type);
    for (const item of items) {
      if (type === _STRUCT) this.struct(each.bind(null, item));
      else each(item);
    }
  }

  struct(body: () => void): void {
    this.#last.push(0);
    body();
    this.out.byte(0);
    this.#last.pop();
  }

  structField(id: number, body: () => void): void {
    this.field(id, _STRUCT);
    this.struct(body);
  }
}

/**
 * Appends a `DATA_PAGE` header.
 *
 * @param out Where to write.
 * @param header The page's sizes, CRC and value count.
 */
export function writePageHeader(out: ByteBuffer, header: PageHeaderFields): void {
  const w = new _Writer(out);
  w.struct(() => {
    w.i32(1, 0);
    w.i32(2, header.uncompressedSize);
    w.i32(3, header.compressedSize);
    w.i32(4, header.crc | 0);
    w.structField(5, () => {
      w.i32(1, header.values);
      w.i32(2, _ENCODINGS.PLAIN);
      w.i32(3, _ENCODINGS.RLE);
      w.i32(4, _ENCODINGS.RLE);
    });
  });
}

/** A column chunk's `ColumnIndex`: one entry per page (azof's pages are never all null). */
export interface ColumnIndexFields {
  /** Each page's smallest value: bytes of a string, or an INT64. */
  readonly min: readonly (Uint8Array | bigint)[];
  /** Each page's greatest value. */
  readonly max: readonly (Uint8Array | bigint)[];
  /** Each page's number of nulls. */
  readonly nulls: readonly number[];
  /** Whether the pages' min (and max) values ascend (`boundary_order` `ASCENDING`). */
  readonly ascending: boolean;
}

/**
 * Appends a column chunk's `ColumnIndex`.
 *
 * @param out Where to write.
 * @param index Per page min/max and nulls, and the boundary order.
 */
export function writeColumnIndex(out: ByteBuffer, index: ColumnIndexFields): void {
  const w = new _Writer(out);
  w.struct(() => {
    w.list(1, _BOOL, index.nulls, () => w.out.byte(2));
    w.list(2, _BINARY, index.min, (v) => w.bytes(_statistic(v)));
    w.list(3, _BINARY, index.max, (v) => w.bytes(_statistic(v)));
    w.i32(4, index.ascending ? 1 : 0);
    w.list(5, _I64, index.nulls, (n) => w.zigzag(n));
  });
}

/**
 * Appends a column chunk's `OffsetIndex`: where each page (header included) lies and its first row.
 *
 * @param out Where to write.
 * @param index The page locations.
 */
export function writeOffsetIndex(out: ByteBuffer, index: OffsetIndex): void {
  const w = new _Writer(out);
  w.struct(() => {
    w.list(1, _STRUCT, index.page_locations, (p) => {
      w.i64(1, p.offset);
      w.i32(2, p.compressed_page_size);
      w.i64(3, p.first_row_index);
    });
  });
}

/**
 * Appends a file footer: the `FileMetaData`, then its length (4 bytes, little-endian).
 *
 * @param out Where to write.
 * @param meta The footer: schema, row groups (flat columns, `PLAIN`/`RLE`), key/value pairs,
 * `created_by`.
 * @returns Where the footer's Thrift bytes start in `out`.
 */
export function writeFileMetaData(out: ByteBuffer, meta: FileMetaData): number {
  const start = out.length;
  const w = new _Writer(out);
  w.struct(() => {
    w.i32(1, meta.version);
    w.list(2, _STRUCT, meta.schema, (e) => _element(w, e));
    w.i64(3, meta.num_rows);
    w.list(4, _STRUCT, meta.row_groups, (rg) => {
      w.list(1, _STRUCT, rg.columns, (c) => _chunk(w, c));
      w.i64(2, rg.total_byte_size);
      w.i64(3, rg.num_rows);
      if (rg.sorting_columns?.length) {
        w.list(4, _STRUCT, rg.sorting_columns, (sc) => {
          w.i32(1, sc.column_idx);
          w.field(2, sc.descending ? 1 : 2);
          w.field(3, sc.nulls_first ? 1 : 2);
        });
      }
      w.i64(6, rg.total_compressed_size);
    });
    const pairs = meta.key_value_metadata ?? [];
    if (pairs.length > 0) {
      w.list(5, _STRUCT, pairs, (kv) => {
        w.binary(1, kv.key);
        w.binary(2, kv.value);
      });
    }
    w.binary(6, meta.created_by);
    const leaves = meta.schema.filter((e) => e.type !== undefined);
    w.list(7, _STRUCT, leaves, () => w.structField(1, () => {}));
  });
  const length = out.length - start;
  out.view.setUint32(out.reserve(4), length, true);
  return start;
}

function _element(w: _Writer, e: SchemaElement): void {
  w.i32(1, e.type === undefined ? undefined : _TYPES.indexOf(e.type));
  w.i32(3, e.repetition_type === undefined ? undefined : _REPETITION.indexOf(e.repetition_type));
  w.binary(4, e.name);
  w.i32(5, e.num_children);
  w.i32(6, e.converted_type === undefined ? undefined : _CONVERTED[e.converted_type]);
  w.i32(9, e.field_id);
  const logical = e.logical_type;
  if (logical?.type === "STRING") w.structField(10, () => w.structField(1, () => {}));
  if (logical?.type === "TIMESTAMP") {
    w.structField(10, () =>
      w.structField(8, () => {
        w.field(1, logical.isAdjustedToUTC ? 1 : 2);
        w.structField(2, () => w.structField(1, () => {}));
      }));
  }
}

function _chunk(w: _Writer, c: ColumnChunk): void {
  const m = c.meta_data!;
  w.i64(2, c.file_offset);
  w.structField(3, () => {
    w.i32(1, _TYPES.indexOf(m.type));
    w.list(2, _I32, m.encodings, (e) => w.zigzag(_ENCODINGS[e]!));
    w.list(3, _BINARY, m.path_in_schema, (p) => w.bytes(new TextEncoder().encode(p)));
    w.i32(4, _CODECS[m.codec]);
    w.i64(5, m.num_values);
    w.i64(6, m.total_uncompressed_size);
    w.i64(7, m.total_compressed_size);
    w.i64(9, m.data_page_offset);
    const s = m.statistics;
    if (s) {
      w.structField(12, () => {
        w.i64(3, s.null_count);
        w.binary(5, _statistic(s.max_value));
        w.binary(6, _statistic(s.min_value));
        w.field(7, 1);
        w.field(8, 1);
      });
    }
  });
  w.i64(4, c.offset_index_offset);
  w.i32(5, c.offset_index_length);
  w.i64(6, c.column_index_offset);
  w.i32(7, c.column_index_length);
}

/** A statistic as Parquet stores it: bytes as they are (strings), an INT64 in 8 bytes. */
function _statistic(v: unknown): Uint8Array {
  return v instanceof Uint8Array ? v : _int64(v as bigint);
}

function _int64(v: bigint): Uint8Array {
  const bytes = new Uint8Array(8);
  new DataView(bytes.buffer).setBigInt64(0, v, true);
  return bytes;
}
