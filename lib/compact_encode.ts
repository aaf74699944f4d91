/**
 * Encodes a column-wise {@linkcode RowSet} as a whole Parquet file in azof's layout (`key`,
 * `event_time`, the schema columns, `_deleted` when a row deletes), straight from typed arrays:
 * each column chunk is one `PLAIN` data page (v1), snappy compressed, and `event_time` gets min/max
 * statistics per row group (reads skip row groups by them). The footer and page headers come from
 * hyparquet-writer's thrift code.
 *
 * @module
 */

import type { ColumnChunk, RowGroup } from "hyparquet";
import { ByteWriter } from "hyparquet-writer";
import { writePageHeader } from "hyparquet-writer/src/datapage.js";
import { writeRleBitPackedHybrid } from "hyparquet-writer/src/encoding.js";
import { writeMetadata } from "hyparquet-writer/src/metadata.js";
import type { ColumnData, F64Data, Utf8Data } from "./column_data.ts";
import type { RowSet } from "./compact_rows.ts";
import { type ParquetColumn, parquetElement } from "./parquet_write.ts";
import { DELETED, EVENT_TIME, KEY, type Schema } from "./schema.ts";
import { ByteBuffer } from "./byte_buffer.ts";
import { snappyCompress } from "./snappy.ts";
import { isKeyOrdered, KEY_ORDER_ENTRY, KEY_SORTING_COLUMNS, keyStatistics } from "./key_order.ts";

const _MAGIC = 0x31524150;
const _TWO32 = 4294967296;
const _ONE = new Uint8Array([1]);

/**
 * Encodes rows as a Parquet file, in row groups of `rowGroupRows` rows, in set order. Rows in key
 * order (as compaction writes them) make a file that declares it (docs/SPEC.md §5.5), with `key`
 * min/max statistics.
 *
 * @example Encode two rows and read them back
 * ```ts
 * import { encodeRowSet } from "./compact_encode.ts";
 * import { fromValues, type Utf8Data } from "./column_data.ts";
 * import { parquetReadObjects } from "hyparquet";
 * import assert from "node:assert/strict";
 * const bytes = encodeRowSet({
 *   rows: 2,
 *   key: fromValues(["a", "b"], "utf8") as Utf8Data,
 *   t: new Float64Array([0, 1000]),
 *   deleted: new Uint8Array(2),
 *   columns: [fromValues([5n, null], "i64")],
 * }, { columns: [{ name: "n", type: "Int", nullable: true }] }, 65_536);
 * const rows = await parquetReadObjects({ file: bytes.slice().buffer });
 * assert.deepEqual(rows.map((r) => [r.key, r.n]), [["a", 5n], ["b", null]]);
 * ```
 *
 * @param set The rows.
 * @param schema The table schema (the set's columns, in order).
 * @param rowGroupRows Rows per row group.
 * @returns The file's bytes.
 */
export function encodeRowSet(set: RowSet, schema: Schema, rowGroupRows: number): Uint8Array {
  const hasDeleted = set.deleted.some((d) => d === 1);
  const columns: ParquetColumn[] = [
    { name: KEY, type: "String", nullable: false },
    { name: EVENT_TIME, type: "DateTime", nullable: false },
    ...schema.columns,
    ...(hasDeleted ? [{ name: DELETED, type: "Boolean" as const, nullable: false }] : []),
  ];
  const data: ColumnData[] = [
    set.key,
    { kind: "f64", values: set.t },
    ...set.columns,
    ...(hasDeleted ? [{ kind: "bool" as const, values: set.deleted }] : []),
  ];
  const out = new ByteWriter(1 << 20);
  out.appendUint32(_MAGIC);
  const page = new ByteBuffer(1 << 16);
  const groups: RowGroup[] = [];
  const ordered = isKeyOrdered(set.key, set.t, set.rows);
  for (let from = 0; from < set.rows; from += rowGroupRows) {
    const to = Math.min(set.rows, from + rowGroupRows);
    const start = out.offset;
    let uncompressed = 0;
    const chunks: ColumnChunk[] = columns.map((column, i) => {
      const chunk = _chunk(out, page, column, data[i]!, from, to);
      if (ordered && i === 0) chunk.meta_data!.statistics = _keyRange(set.key, from, to);
      uncompressed += Number(chunk.meta_data!.total_uncompressed_size);
      return chunk;
    });
    groups.push({
      columns: chunks,
      num_rows: BigInt(to - from),
      total_byte_size: BigInt(uncompressed),
      total_compressed_size: BigInt(out.offset - start),
      ...(ordered ? { sorting_columns: [...KEY_SORTING_COLUMNS] } : {}),
    });
  }
  writeMetadata(out, {
    version: 2,
    created_by: "azof",
    schema: [{ name: "root", num_children: columns.length }, ...columns.map(parquetElement)],
    num_rows: BigInt(set.rows),
    row_groups: groups,
    ...(ordered ? { key_value_metadata: [{ ...KEY_ORDER_ENTRY }] } : {}),
  } as never);
  out.appendUint32(_MAGIC);
  return new Uint8Array(out.buffer, 0, out.index);
}

function _chunk(
  out: ByteWriter,
  page: ByteBuffer,
  column: ParquetColumn,
  data: ColumnData,
  from: number,
  to: number,
): ColumnChunk {
  page.length = 0;
  if (column.nullable) _levels(page, data.nulls, from, to);
  _plain(page, column, data, from, to);
  const raw = page.data.subarray(0, page.length);
  const compressed = snappyCompress(raw);
  const offset = out.offset;
  writePageHeader(out, {
    type: "DATA_PAGE",
    uncompressed_page_size: raw.length,
    compressed_page_size: compressed.length,
    data_page_header: {
      num_values: to - from,
      encoding: "PLAIN",
      definition_level_encoding: "RLE",
      repetition_level_encoding: "RLE",
    },
  });
  const header = out.offset - offset;
  out.appendBytes(compressed);
  const stats = column.name === EVENT_TIME ? _minMax((data as F64Data).values, from, to) : {};
  return {
    file_offset: BigInt(offset),
    meta_data: {
      type: parquetElement(column).type!,
      encodings: ["PLAIN", "RLE"],
      path_in_schema: [column.name],
      codec: "SNAPPY",
      num_values: BigInt(to - from),
      total_uncompressed_size: BigInt(header + raw.length),
      total_compressed_size: BigInt(header + compressed.length),
      data_page_offset: BigInt(offset),
      ...stats,
    },
  };
}

/** Definition levels, length-prefixed as data page v1 has them. */
function _levels(page: ByteBuffer, nulls: Uint8Array | undefined, from: number, to: number): void {
  let count = 0;
  if (nulls) { for (let i = from; i < to; i++) count += nulls[i]!; }
  const at = page.reserve(4);
  if (count === 0) {
    page.varint((to - from) * 2);
    page.append(_ONE);
  } else {
    const levels = new Uint8Array(to - from);
    for (let i = from; i < to; i++) levels[i - from] = nulls![i] ? 0 : 1;
    const writer = new ByteWriter((to - from) / 4 + 64);
    writeRleBitPackedHybrid(writer, levels, 1);
    page.append(new Uint8Array(writer.buffer, 0, writer.index));
  }
  page.view.setUint32(at, page.length - at - 4, true);
}

function _plain(
  page: ByteBuffer,
  column: ParquetColumn,
  data: ColumnData,
  from: number,
  to: number,
) {
  const nulls = data.nulls;
  switch (data.kind) {
    case "utf8": {
      const { offsets, bytes } = data;
      page.ensure(4 * (to - from) + offsets[to]! - offsets[from]!);
      for (let i = from; i < to; i++) {
        if (nulls?.[i]) continue;
        const start = offsets[i]!;
        const length = offsets[i + 1]! - start;
        page.view.setUint32(page.length, length, true);
        const at = page.length + 4;
        const target = page.data;
        if (length < 32) { for (let j = 0; j < length; j++) target[at + j] = bytes[start + j]!; }
        else target.set(bytes.subarray(start, start + length), at);
        page.length = at + length;
      }
      return;
    }
    case "i64": {
      const v = data.values;
      const halves = new Int32Array(v.buffer, v.byteOffset, 2 * v.length);
      page.ensure(8 * (to - from));
      const view = page.view;
      for (let i = from; i < to; i++) {
        if (nulls?.[i]) continue;
        view.setInt32(page.length, halves[2 * i]!, true);
        view.setInt32(page.length + 4, halves[2 * i + 1]!, true);
        page.length += 8;
      }
      return;
    }
    case "f64": {
      const v = data.values;
      page.ensure(8 * (to - from));
      const view = page.view;
      const ms = column.type === "DateTime";
      for (let i = from; i < to; i++) {
        if (nulls?.[i]) continue;
        const x = v[i]!;
        if (ms) {
          const hi = Math.floor(x / _TWO32);
          view.setUint32(page.length, x - hi * _TWO32, true);
          view.setInt32(page.length + 4, hi, true);
        } else view.setFloat64(page.length, x, true);
        page.length += 8;
      }
      return;
    }
    case "bool": {
      const v = data.values;
      page.ensure((to - from) / 8 + 1);
      let byte = 0;
      let k = 0;
      for (let i = from; i < to; i++) {
        if (nulls?.[i]) continue;
        if (v[i]) byte |= 1 << k;
        if (++k === 8) {
          page.data[page.length++] = byte;
          byte = 0;
          k = 0;
        }
      }
      if (k > 0) page.data[page.length++] = byte;
    }
  }
}

function _keyRange(key: ColumnData, from: number, to: number) {
  const { offsets, bytes } = key as Utf8Data;
  return keyStatistics(bytes, [offsets[from]!, offsets[from + 1]!], [
    offsets[to - 1]!,
    offsets[to]!,
  ]);
}

function _minMax(values: Float64Array, from: number, to: number) {
  let min = Infinity;
  let max = -Infinity;
  for (let i = from; i < to; i++) {
    const v = values[i]!;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return { statistics: { min_value: BigInt(min), max_value: BigInt(max), null_count: 0n } };
}
