/**
 * Arrow arrays exported through the Arrow C Data Interface (parquet-wasm's `intoFFI()`), read
 * straight from WebAssembly memory into {@linkcode ColumnData}: buffers are copied out once, with no
 * IPC serialisation and no apache-arrow objects. Timestamps become ms, booleans bytes, validity
 * bitmaps a null byte per row, dictionaries are expanded, and value slots of null rows are zeroed
 * (as the hyparquet path leaves them).
 *
 * Struct layouts are those of wasm32 (4-byte pointers, 8-byte aligned int64): `ArrowSchema` is
 * `format, name, metadata` pointers, `flags, n_children` int64 at 16 and 24, `children, dictionary`
 * pointers at 32 and 36; `ArrowArray` is `length, null_count, offset, n_buffers, n_children` int64
 * at 0..32, then `buffers, children, dictionary` pointers at 40, 44 and 48. An array's `offset`
 * applies to every buffer (in elements, or bits for bitmaps).
 *
 * @module
 */

import type { ColumnData, ColumnKind, Utf8Data } from "./column_data.ts";

/** A C Data Interface schema node: its format string, name, children and dictionary. */
export interface CSchema {
  /** The format string (`u`, `l`, `g`, `tsu:UTC`, `+s`, …). */
  readonly format: string;
  /** The field name. */
  readonly name: string;
  /** Child fields (the columns of a struct). */
  readonly children: readonly CSchema[];
  /** The value type of a dictionary-encoded field. */
  readonly dictionary?: CSchema;
}

/**
 * Reads a schema tree.
 *
 * @param memory The WebAssembly memory.
 * @param pointer The address of an `ArrowSchema`.
 * @returns The schema.
 */
export function readSchema(memory: ArrayBuffer, pointer: number): CSchema {
  const view = new DataView(memory);
  const children: CSchema[] = [];
  const n = Number(view.getBigInt64(pointer + 24, true));
  const list = view.getUint32(pointer + 32, true);
  for (let i = 0; i < n; i++) children.push(readSchema(memory, view.getUint32(list + 4 * i, true)));
  const dictionary = view.getUint32(pointer + 36, true);
  return {
    format: _cString(memory, view.getUint32(pointer, true)),
    name: _cString(memory, view.getUint32(pointer + 4, true)),
    children,
    ...(dictionary ? { dictionary: readSchema(memory, dictionary) } : {}),
  };
}

/**
 * The children of a struct array (a record batch), by position.
 *
 * @param memory The WebAssembly memory.
 * @param pointer The address of the struct's `ArrowArray`.
 * @returns The addresses of its children's `ArrowArray`s.
 */
export function childArrays(memory: ArrayBuffer, pointer: number): number[] {
  const view = new DataView(memory);
  const n = Number(view.getBigInt64(pointer + 32, true));
  const list = view.getUint32(pointer + 44, true);
  return Array.from({ length: n }, (_, i) => view.getUint32(list + 4 * i, true));
}

/**
 * Copies one array out of WebAssembly memory as a column of the given layout.
 *
 * @param memory The WebAssembly memory.
 * @param schema The array's schema node.
 * @param pointer The address of its `ArrowArray`.
 * @param kind The layout the table schema asks for.
 * @returns The column.
 * @throws {TypeError} When the Arrow type does not fit the layout.
 */
export function readColumn(
  memory: ArrayBuffer,
  schema: CSchema,
  pointer: number,
  kind: ColumnKind,
): ColumnData {
  const a = _array(memory, pointer);
  const nulls = _nulls(memory, a);
  const withNulls = nulls ? { nulls } : {};
  const format = schema.format;
  if (schema.dictionary) {
    const words = readColumn(memory, schema.dictionary, a.dictionary, kind);
    const indices = _integers(memory, format, a.buffer(1), a.offset, a.length);
    const rows = new Int32Array(a.length);
    for (let i = 0; i < a.length; i++) rows[i] = nulls?.[i] ? -1 : Number(indices[i]!);
    return _gather(words, rows);
  }
  let out: ColumnData;
  if (kind === "utf8" && (format === "u" || format === "U")) {
    out = { kind, ..._utf8(memory, a, format === "U", nulls), ...withNulls };
  } else if (kind === "f64" && format.startsWith("ts")) {
    out = { kind, values: _timestampMs(memory, a, format[2]!), ...withNulls };
  } else if (kind === "f64" && (format === "g" || format === "f")) {
    const width = format === "g" ? 8 : 4;
    const bytes = _copy(memory, a.buffer(1) + width * a.offset, width * a.length);
    const values = format === "g"
      ? new Float64Array(bytes.buffer)
      : Float64Array.from(new Float32Array(bytes.buffer));
    out = { kind, values, ...withNulls };
  } else if (kind === "i64" && _INT_WIDTH[format] !== undefined) {
    out = { kind, values: _int64(memory, format, a), ...withNulls };
  } else if (kind === "bool" && format === "b") {
    out = { kind, values: _bits(memory, a.buffer(1), a.offset, a.length), ...withNulls };
  } else {
    throw new TypeError(`Cannot decode Arrow format "${format}" (${schema.name}) as ${kind}`);
  }
  if (nulls && out.kind !== "utf8") {
    const values = out.values;
    for (let i = 0; i < nulls.length; i++) if (nulls[i]) values[i] = out.kind === "i64" ? 0n : 0;
  }
  return out;
}

interface _Array {
  readonly length: number;
  readonly nullCount: number;
  readonly offset: number;
  readonly dictionary: number;
  buffer(i: number): number;
}

function _array(memory: ArrayBuffer, pointer: number): _Array {
  const view = new DataView(memory);
  const buffers = view.getUint32(pointer + 40, true);
  return {
    length: Number(view.getBigInt64(pointer, true)),
    nullCount: Number(view.getBigInt64(pointer + 8, true)),
    offset: Number(view.getBigInt64(pointer + 16, true)),
    dictionary: view.getUint32(pointer + 48, true),
    buffer: (i) => view.getUint32(buffers + 4 * i, true),
  };
}

function _cString(memory: ArrayBuffer, pointer: number): string {
  if (pointer === 0) return "";
  const bytes = new Uint8Array(memory, pointer);
  return new TextDecoder().decode(bytes.subarray(0, bytes.indexOf(0)));
}

/** `length` bytes from `pointer`, copied into a fresh (aligned) buffer. */
function _copy(memory: ArrayBuffer, pointer: number, length: number): Uint8Array {
  return new Uint8Array(memory, pointer, length).slice();
}

/** A null byte per row from the validity bitmap; undefined when no row is null. */
function _nulls(memory: ArrayBuffer, a: _Array): Uint8Array | undefined {
  const bitmap = a.buffer(0);
  if (a.nullCount === 0 || bitmap === 0) return undefined;
  const valid = _bits(memory, bitmap, a.offset, a.length);
  let any = false;
  for (let i = 0; i < valid.length; i++) {
    valid[i] = valid[i]! ^ 1;
    any ||= valid[i] === 1;
  }
  return any ? valid : undefined;
}

function _bits(memory: ArrayBuffer, pointer: number, offset: number, length: number): Uint8Array {
  const bits = new Uint8Array(memory, pointer, (offset + length + 7) >> 3);
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i++) {
    const j = offset + i;
    out[i] = (bits[j >> 3]! >> (j & 7)) & 1;
  }
  return out;
}

function _utf8(
  memory: ArrayBuffer,
  a: _Array,
  large: boolean,
  nulls: Uint8Array | undefined,
): Omit<Utf8Data, "kind" | "nulls"> {
  const n = a.length;
  const raw = _copy(memory, a.buffer(1) + (large ? 8 : 4) * a.offset, (large ? 8 : 4) * (n + 1));
  let offsets = large
    ? Int32Array.from(new BigInt64Array(raw.buffer), Number)
    : new Int32Array(raw.buffer);
  const first = offsets[0]!;
  const bytes = new Uint8Array(memory, a.buffer(2) + first, offsets[n]! - first);
  if (first !== 0) offsets = offsets.map((o) => o - first);
  let clean = true;
  if (nulls) {
    for (let i = 0; i < n && clean; i++) clean = !nulls[i] || offsets[i] === offsets[i + 1];
  }
  if (clean) return { offsets, bytes: bytes.slice() };
  const rows = new Int32Array(n);
  for (let i = 0; i < n; i++) rows[i] = nulls![i] ? -1 : i;
  return _gatherUtf8(offsets, bytes, rows);
}

/** Timestamps as ms since the epoch, floored, read as 32-bit halves to avoid a BigInt per value. */
function _timestampMs(memory: ArrayBuffer, a: _Array, unit: string): Float64Array {
  const divisor = unit === "s" ? 1e-3 : unit === "m" ? 1 : unit === "u" ? 1e3 : 1e6;
  const raw = _copy(memory, a.buffer(1) + 8 * a.offset, 8 * a.length);
  const halves = new Int32Array(raw.buffer);
  const out = new Float64Array(a.length);
  for (let i = 0; i < a.length; i++) {
    const hi = halves[2 * i + 1]!;
    if (hi >= -0x200000 && hi < 0x200000) {
      // Below 2^53 the value is exact as a double and the float quotient never crosses an integer.
      out[i] = Math.floor((hi * 4294967296 + (halves[2 * i]! >>> 0)) / divisor);
    } else {
      out[i] = _floorDiv(new BigInt64Array(raw.buffer)[i]!, divisor);
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

const _INT_WIDTH: Record<string, number> = { c: 1, C: 1, s: 2, S: 2, i: 4, I: 4, l: 8, L: 8 };

function _integers(
  memory: ArrayBuffer,
  format: string,
  pointer: number,
  offset: number,
  length: number,
): ArrayLike<number | bigint> {
  const width = _INT_WIDTH[format];
  if (width === undefined) throw new TypeError(`Cannot read Arrow format "${format}" as integers`);
  const bytes = _copy(memory, pointer + width * offset, width * length);
  const Type = {
    c: Int8Array,
    C: Uint8Array,
    s: Int16Array,
    S: Uint16Array,
    i: Int32Array,
    I: Uint32Array,
    l: BigInt64Array,
    L: BigUint64Array,
  }[format as "c"];
  return new Type(bytes.buffer);
}

function _int64(memory: ArrayBuffer, format: string, a: _Array): BigInt64Array {
  const raw = _integers(memory, format, a.buffer(1), a.offset, a.length);
  if (raw instanceof BigInt64Array) return raw;
  const out = new BigInt64Array(a.length);
  if (raw instanceof BigUint64Array) {
    for (let i = 0; i < a.length; i++) out[i] = BigInt.asIntN(64, raw[i]!);
  } else {
    const halves = new Int32Array(out.buffer);
    for (let i = 0; i < a.length; i++) {
      const v = raw[i] as number;
      halves[2 * i] = v;
      halves[2 * i + 1] = v < 0 ? -1 : 0;
    }
  }
  return out;
}

/** Rows `rows[i]` of `column` (-1 for null). */
function _gather(column: ColumnData, rows: Int32Array): ColumnData {
  const n = rows.length;
  const nulls = rows.includes(-1) ? Uint8Array.from(rows, (r) => (r < 0 ? 1 : 0)) : undefined;
  const withNulls = nulls ? { nulls } : {};
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

/**
 * Joins chunks of one column.
 *
 * @param parts The chunks, in order.
 * @param kind Their layout.
 * @returns One column.
 */
export function concatColumns(parts: readonly ColumnData[], kind: ColumnKind): ColumnData {
  if (parts.length === 1) return parts[0]!;
  const length = (p: ColumnData) => (p.kind === "utf8" ? p.offsets.length - 1 : p.values.length);
  const rows = parts.reduce((n, p) => n + length(p), 0);
  const nulls = parts.some((p) => p.nulls) ? new Uint8Array(rows) : undefined;
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
