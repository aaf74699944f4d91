/**
 * Decoding row groups with parquet-wasm (arrow-rs compiled to WebAssembly) into the same plain
 * columnar values as the hyparquet path: strings, `bigint` for integers, numbers for floats,
 * ms numbers for timestamps, booleans, null. Faster than hyparquet for large files, but loading
 * the module compiles about 5 MB of WebAssembly, so it is only worth it for big reads.
 *
 * @module
 */

import type { Data, Table as ArrowTable, Vector } from "apache-arrow";
import type { ParquetFile } from "parquet-wasm";
import type { Store } from "./store/store.ts";
import type { Value } from "./data_file.ts";

type _Modules = [typeof import("parquet-wasm"), typeof import("apache-arrow")];
let _modules: Promise<_Modules> | undefined;

/** Loads parquet-wasm and apache-arrow once, on first use (static specifiers, so `deno compile` sees them). */
function _load(): Promise<_Modules> {
  _modules ??= Promise.all([import("parquet-wasm"), import("apache-arrow")]);
  return _modules;
}

/** A file opened for WebAssembly decoding. */
export interface WasmReader {
  /** Decodes the named top-level columns of row group `index`. */
  readRowGroup(index: number, names: readonly string[]): Promise<Map<string, Value[]>>;
}

/**
 * Opens a stored Parquet file for decoding with parquet-wasm; bytes are fetched by ranged reads.
 *
 * @param store The store.
 * @param key The file's key.
 * @param bytes The file's size.
 * @returns The reader.
 */
export async function openWasmReader(
  store: Store,
  key: string,
  bytes: number,
): Promise<WasmReader> {
  const [wasm, arrow] = await _load();
  const file: ParquetFile = await wasm.ParquetFile.fromFile(new _StoreBlob(store, key, 0, bytes));
  return {
    readRowGroup: async (index, names) => {
      const table = await file.read({
        rowGroups: [index],
        columns: [...names],
        batchSize: 1 << 30,
      });
      const decoded: ArrowTable = arrow.tableFromIPC(table.intoIPCStream());
      const out = new Map<string, Value[]>();
      for (const name of names) {
        const vector = decoded.getChild(name);
        if (vector) out.set(name, _values(vector, arrow.Type, arrow.TimeUnit));
      }
      return out;
    },
  };
}

/** A Blob whose bytes are a range of a stored object, read only when asked for. */
class _StoreBlob extends Blob {
  readonly #store: Store;
  readonly #key: string;
  readonly #start: number;
  readonly #end: number;

  constructor(store: Store, key: string, start: number, end: number) {
    super();
    this.#store = store;
    this.#key = key;
    this.#start = start;
    this.#end = end;
  }

  override get size(): number {
    return this.#end - this.#start;
  }

  override slice(start = 0, end = this.size): Blob {
    const clamp = (n: number) => Math.max(0, Math.min(this.size, n < 0 ? this.size + n : n));
    return new _StoreBlob(
      this.#store,
      this.#key,
      this.#start + clamp(start),
      this.#start + Math.max(clamp(start), clamp(end)),
    );
  }

  override async arrayBuffer(): Promise<ArrayBuffer> {
    const bytes = await this.#store.read(this.#key, this.#start, this.#end);
    return bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength
      ? bytes.buffer as ArrayBuffer
      : bytes.slice().buffer as ArrayBuffer;
  }
}

type _TypeEnum = typeof import("apache-arrow").Type;
type _UnitEnum = typeof import("apache-arrow").TimeUnit;

function _values(vector: Vector, Type: _TypeEnum, Unit: _UnitEnum): Value[] {
  const out = new Array<Value>(vector.length);
  let at = 0;
  for (const data of vector.data) {
    _convert(data, out, at, Type, Unit);
    at += data.length;
  }
  return out;
}

function _convert(data: Data, out: Value[], at: number, Type: _TypeEnum, Unit: _UnitEnum): void {
  const type = data.type;
  switch (type.typeId) {
    case Type.Utf8:
    case Type.LargeUtf8:
      _strings(_utf8(data), data, out, at);
      break;
    case Type.Dictionary: {
      const dictionary = data.dictionary!;
      const words = _values(dictionary, Type, Unit);
      const indices = data.values as ArrayLike<number | bigint>;
      for (let i = 0; i < data.length; i++) {
        out[at + i] = _valid(data, i) ? words[Number(indices[data.offset + i])]! : null;
      }
      break;
    }
    case Type.Timestamp: {
      const raw = data.values as BigInt64Array;
      const unit = (type as unknown as { unit: number }).unit;
      for (let i = 0; i < data.length; i++) {
        out[at + i] = _valid(data, i) ? _toMs(raw[data.offset + i]!, unit, Unit) : null;
      }
      break;
    }
    case Type.Int: {
      const raw = data.values as ArrayLike<number | bigint>;
      for (let i = 0; i < data.length; i++) {
        const v = raw[data.offset + i]!;
        out[at + i] = _valid(data, i) ? (typeof v === "bigint" ? v : BigInt(v)) : null;
      }
      break;
    }
    case Type.Float: {
      const raw = data.values as Float64Array | Float32Array;
      for (let i = 0; i < data.length; i++) {
        out[at + i] = _valid(data, i) ? raw[data.offset + i]! : null;
      }
      break;
    }
    case Type.Bool: {
      const bits = data.values as Uint8Array;
      for (let i = 0; i < data.length; i++) {
        const j = data.offset + i;
        out[at + i] = _valid(data, i) ? ((bits[j >> 3]! >> (j & 7)) & 1) === 1 : null;
      }
      break;
    }
    default:
      throw new TypeError(`Cannot decode Arrow type ${String(type)}`);
  }
}

function _valid(data: Data, i: number): boolean {
  if (data.nullCount === 0 || !data.nullBitmap || data.nullBitmap.length === 0) return true;
  const j = data.offset + i;
  return ((data.nullBitmap[j >> 3]! >> (j & 7)) & 1) === 1;
}

const _decoder = new TextDecoder();

/**
 * The strings of a Utf8 column. When the whole value buffer is ASCII, it is decoded once and each
 * string is a substring of it; otherwise each string is decoded on its own.
 */
function _utf8(data: Data): (i: number) => string {
  const bytes = data.values as Uint8Array;
  const offsets = data.valueOffsets as Int32Array | BigInt64Array;
  const first = Number(offsets[data.offset]!);
  const last = Number(offsets[data.offset + data.length]!);
  const text = _decoder.decode(bytes.subarray(first, last));
  if (text.length === last - first) {
    return (i) =>
      text.substring(
        Number(offsets[data.offset + i]!) - first,
        Number(offsets[data.offset + i + 1]!) - first,
      );
  }
  return (i) =>
    _decoder.decode(
      bytes.subarray(Number(offsets[data.offset + i]!), Number(offsets[data.offset + i + 1]!)),
    );
}

function _strings(get: (i: number) => string, data: Data, out: Value[], at: number): void {
  for (let i = 0; i < data.length; i++) out[at + i] = _valid(data, i) ? get(i) : null;
}

function _toMs(value: bigint, unit: number, Unit: _UnitEnum): number {
  switch (unit) {
    case Unit.SECOND:
      return Number(value) * 1000;
    case Unit.MILLISECOND:
      return Number(value);
    case Unit.MICROSECOND:
      return _floorDiv(value, 1000n);
    default:
      return _floorDiv(value, 1_000_000n);
  }
}

function _floorDiv(value: bigint, by: bigint): number {
  const n = Number(value);
  // Below 2^53 the float quotient is within 2^-53 relative of the true one, never across an integer.
  if (Number.isSafeInteger(n)) return Math.floor(n / Number(by));
  const q = value / by;
  return Number(value < 0n && q * by !== value ? q - 1n : q);
}
