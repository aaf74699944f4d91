/**
 * Arrow arrays (as apache-arrow parses parquet-wasm's output) to {@linkcode ColumnData}: string
 * offsets and bytes, floats and int64 values are taken as views of Arrow's buffers; timestamps are
 * converted to ms, booleans unpacked to bytes, validity bitmaps to a null byte per row, dictionaries
 * expanded. Value slots of null rows are zeroed, as the hyparquet path leaves them. (In apache-arrow
 * a sliced `Data` has its offset and fixed-width buffers already sliced; only bitmaps, validity and
 * Bool values, are read from bit `data.offset`.)
 *
 * @module
 */

import type { Data } from "apache-arrow";
import type { ColumnData, ColumnKind, Utf8Data } from "./column_data.ts";

type _Arrow = Pick<typeof import("apache-arrow"), "Type" | "TimeUnit">;

/**
 * Converts the chunks of one Arrow column to one column of the given layout.
 *
 * @param chunks The column's chunks, in order.
 * @param kind The layout the schema asks for.
 * @param arrow The apache-arrow module (its `Type` and `TimeUnit` enums).
 * @returns The column.
 * @throws {TypeError} When the Arrow type does not fit the layout.
 */
export function arrowColumn(chunks: readonly Data[], kind: ColumnKind, arrow: _Arrow): ColumnData {
  const parts = chunks.map((data) => _convert(data, kind, arrow));
  return parts.length === 1 ? parts[0]! : _concat(parts, kind);
}

function _convert(data: Data, kind: ColumnKind, arrow: _Arrow): ColumnData {
  const { Type } = arrow;
  const typeId = data.type.typeId;
  const nulls = _nulls(data);
  const withNulls = nulls ? { nulls } : {};
  let out: ColumnData;
  if (typeId === Type.Dictionary) {
    const words = arrowColumn(data.dictionary!.data, kind, arrow);
    const indices = data.values as ArrayLike<number | bigint>;
    const rows = new Int32Array(data.length);
    for (let i = 0; i < data.length; i++) rows[i] = nulls?.[i] ? -1 : Number(indices[i]!);
    return _gather(words, rows);
  } else if (kind === "utf8" && (typeId === Type.Utf8 || typeId === Type.LargeUtf8)) {
    out = { kind, ..._utf8(data, nulls), ...withNulls };
  } else if (kind === "f64" && typeId === Type.Timestamp) {
    out = { kind, values: _timestampMs(data, arrow), ...withNulls };
  } else if (kind === "f64" && typeId === Type.Float) {
    const raw = data.values as Float64Array | Float32Array;
    const values = raw.subarray(0, data.length);
    const f64 = values instanceof Float64Array ? values : Float64Array.from(values);
    out = { kind, values: f64, ...withNulls };
  } else if (kind === "i64" && typeId === Type.Int) {
    out = { kind, values: _int64(data), ...withNulls };
  } else if (kind === "bool" && typeId === Type.Bool) {
    out = {
      kind,
      values: _bits(data.values as Uint8Array, data.offset, data.length),
      ...withNulls,
    };
  } else {
    throw new TypeError(`Cannot decode Arrow type ${String(data.type)} as ${kind}`);
  }
  if (nulls && out.kind !== "utf8") {
    const values = out.values;
    for (let i = 0; i < nulls.length; i++) if (nulls[i]) values[i] = out.kind === "i64" ? 0n : 0;
  }
  return out;
}

/** A null byte per row from the validity bitmap; undefined when no row is null. */
function _nulls(data: Data): Uint8Array | undefined {
  if (data.nullCount === 0 || !data.nullBitmap || data.nullBitmap.length === 0) return undefined;
  const valid = _bits(data.nullBitmap, data.offset, data.length);
  for (let i = 0; i < valid.length; i++) valid[i] = valid[i]! ^ 1;
  return valid;
}

function _bits(bits: Uint8Array, offset: number, length: number): Uint8Array {
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i++) {
    const j = offset + i;
    out[i] = (bits[j >> 3]! >> (j & 7)) & 1;
  }
  return out;
}

function _utf8(data: Data, nulls: Uint8Array | undefined): Omit<Utf8Data, "kind" | "nulls"> {
  const raw = data.valueOffsets as Int32Array | BigInt64Array;
  const bytes = data.values as Uint8Array;
  const n = data.length;
  let offsets: Int32Array;
  if (raw instanceof Int32Array) offsets = raw.subarray(0, n + 1);
  else offsets = Int32Array.from(raw.subarray(0, n + 1), Number);
  const first = offsets[0]!;
  let clean = true;
  if (nulls) {
    for (let i = 0; i < n && clean; i++) clean = !nulls[i] || offsets[i] === offsets[i + 1];
  }
  if (!clean) {
    const rows = new Int32Array(n);
    for (let i = 0; i < n; i++) rows[i] = nulls![i] ? -1 : i;
    return _gatherUtf8(offsets, bytes, rows);
  }
  if (first !== 0) offsets = offsets.map((o) => o - first);
  return { offsets, bytes: bytes.subarray(first, first + offsets[n]!) };
}

/** Timestamps as ms since the epoch, floored, read as 32-bit halves to avoid a BigInt per value. */
function _timestampMs(data: Data, arrow: _Arrow): Float64Array {
  const raw = data.values as BigInt64Array;
  const unit = (data.type as unknown as { unit: number }).unit;
  const { TimeUnit } = arrow;
  const divisor = unit === TimeUnit.SECOND
    ? 1e-3
    : unit === TimeUnit.MILLISECOND
    ? 1
    : unit === TimeUnit.MICROSECOND
    ? 1e3
    : 1e6;
  const halves = new Int32Array(raw.buffer, raw.byteOffset, raw.length * 2);
  const out = new Float64Array(data.length);
  for (let i = 0; i < data.length; i++) {
    const hi = halves[2 * i + 1]!;
    if (hi >= -0x200000 && hi < 0x200000) {
      // Below 2^53 the value is exact as a double and the float quotient never crosses an integer.
      out[i] = Math.floor((hi * 4294967296 + (halves[2 * i]! >>> 0)) / divisor);
    } else {
      out[i] = _floorDiv(raw[i]!, divisor);
    }
  }
  return out;
}

function _floorDiv(value: bigint, divisor: number): number {
  if (divisor < 1) return Number(value) * 1000;
  const by = BigInt(divisor);
  const q = value / by;
  return Number(value < 0n && q * by !== value ? q - 1n : q);
}

function _int64(data: Data): BigInt64Array {
  const raw = data.values as BigInt64Array | BigUint64Array | ArrayLike<number>;
  if (raw instanceof BigInt64Array) return raw.subarray(0, data.length);
  const out = new BigInt64Array(data.length);
  if (raw instanceof BigUint64Array) {
    for (let i = 0; i < data.length; i++) out[i] = BigInt.asIntN(64, raw[i]!);
  } else {
    const halves = new Int32Array(out.buffer);
    for (let i = 0; i < data.length; i++) {
      const v = raw[i]!;
      halves[2 * i] = v;
      halves[2 * i + 1] = v < 0 ? -1 : 0;
    }
  }
  return out;
}

/** Rows `rows[i]` of `column` (-1 for null). */
function _gather(column: ColumnData, rows: Int32Array): ColumnData {
  const nulls = rows.includes(-1) ? rows.map((r) => (r < 0 ? 1 : 0)) : undefined;
  const n = rows.length;
  const withNulls = nulls ? { nulls: new Uint8Array(nulls) } : {};
  if (column.kind === "utf8") {
    return { kind: "utf8", ..._gatherUtf8(column.offsets, column.bytes, rows), ...withNulls };
  }
  const src = column.values;
  const values = new (src.constructor as new (n: number) => typeof src)(n);
  for (let i = 0; i < n; i++) {
    const r = rows[i]!;
    if (r >= 0) values[i] = src[r]!;
  }
  return { kind: column.kind, values, ...withNulls } as ColumnData;
}

function _gatherUtf8(
  offsets: Int32Array,
  bytes: Uint8Array,
  rows: Int32Array,
): Omit<Utf8Data, "kind" | "nulls"> {
  const out = new Int32Array(rows.length + 1);
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i]!;
    out[i + 1] = out[i]! + (r < 0 ? 0 : offsets[r + 1]! - offsets[r]!);
  }
  const gathered = new Uint8Array(out[rows.length]!);
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i]!;
    if (r >= 0) gathered.set(bytes.subarray(offsets[r]!, offsets[r + 1]!), out[i]!);
  }
  return { offsets: out, bytes: gathered };
}

function _concat(parts: ColumnData[], kind: ColumnKind): ColumnData {
  const rows = parts.reduce(
    (n, p) => n + (p.kind === "utf8" ? p.offsets.length - 1 : p.values.length),
    0,
  );
  const anyNull = parts.some((p) => p.nulls);
  const nulls = anyNull ? new Uint8Array(rows) : undefined;
  const withNulls = nulls ? { nulls } : {};
  let at = 0;
  if (kind === "utf8") {
    const utf8 = parts as Utf8Data[];
    const offsets = new Int32Array(rows + 1);
    const bytes = new Uint8Array(utf8.reduce((n, p) => n + p.bytes.length, 0));
    let byteAt = 0;
    for (const p of utf8) {
      const n = p.offsets.length - 1;
      for (let i = 0; i < n; i++) offsets[at + i + 1] = byteAt + p.offsets[i + 1]!;
      bytes.set(p.bytes, byteAt);
      if (p.nulls) nulls!.set(p.nulls, at);
      byteAt += p.bytes.length;
      at += n;
    }
    return { kind, offsets, bytes, ...withNulls };
  }
  const first = (parts[0] as Exclude<ColumnData, Utf8Data>).values;
  const values = new (first.constructor as new (n: number) => typeof first)(rows);
  for (const p of parts as Exclude<ColumnData, Utf8Data>[]) {
    (values as Float64Array).set(p.values as Float64Array, at);
    if (p.nulls) nulls!.set(p.nulls, at);
    at += p.values.length;
  }
  return { kind, values, ...withNulls } as ColumnData;
}
