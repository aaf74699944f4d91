/**
 * Decoding row groups with parquet-wasm (arrow-rs compiled to WebAssembly) into the same flat
 * typed arrays as the hyparquet path ({@linkcode ColumnData}), mostly by taking Arrow's buffers as
 * they are. Faster than hyparquet for large files, but loading the module compiles about 5 MB of
 * WebAssembly, so it is only worth it for big reads.
 *
 * @module
 */

import type { Table as ArrowTable } from "apache-arrow";
import type { ParquetFile } from "parquet-wasm";
import type { Store } from "./store/store.ts";
import type { ColumnData, ColumnKind } from "./column_data.ts";
import { arrowColumn } from "./arrow_columns.ts";

type _Modules = [typeof import("parquet-wasm"), typeof import("apache-arrow")];
let _modules: Promise<_Modules> | undefined;

/** Loads parquet-wasm and apache-arrow once, on first use (static specifiers, so `deno compile` sees them). */
function _load(): Promise<_Modules> {
  _modules ??= Promise.all([import("parquet-wasm"), import("apache-arrow")]);
  return _modules;
}

/** A file opened for WebAssembly decoding. */
export interface WasmReader {
  /** Decodes the named top-level columns of row group `index` into the given layouts. */
  readRowGroup(
    index: number,
    kinds: ReadonlyMap<string, ColumnKind>,
  ): Promise<Map<string, ColumnData>>;
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
    readRowGroup: async (index, kinds) => {
      const table = await file.read({
        rowGroups: [index],
        columns: [...kinds.keys()],
        batchSize: 1 << 30,
      });
      const decoded: ArrowTable = arrow.tableFromIPC(table.intoIPCStream());
      const out = new Map<string, ColumnData>();
      for (const [name, kind] of kinds) {
        const vector = decoded.getChild(name);
        if (vector) out.set(name, arrowColumn(vector.data, kind, arrow));
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
