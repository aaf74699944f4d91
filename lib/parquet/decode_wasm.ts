/**
 * Decoding row groups with parquet-wasm (arrow-rs compiled to WebAssembly) into the same flat
 * typed arrays as the hyparquet path ({@linkcode ColumnData}): the decoded Arrow arrays are copied
 * out of WebAssembly memory through the Arrow C Data Interface (no IPC round trip). Faster than
 * hyparquet for large files, but loading the module compiles about 5 MB of WebAssembly, so it is
 * only worth it for big reads.
 *
 * @module
 */

import type { ParquetFile } from "npm:parquet-wasm@0.8.0";
import type { ReadRange } from "./integrity.ts";
import type { ColumnData, ColumnKind } from "../columns/column_data.ts";
import { childArrays, concatColumns, readColumn, readSchema } from "../columns/arrow_columns.ts";

let _module: Promise<typeof import("npm:parquet-wasm@0.8.0")> | undefined;

/** Loads parquet-wasm once, on first use (a static specifier, so `deno compile` sees it). */
function _load(): Promise<typeof import("npm:parquet-wasm@0.8.0")> {
  _module ??= import("npm:parquet-wasm@0.8.0");
  return _module;
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
 * Opens a Parquet file for decoding with parquet-wasm; bytes are fetched by ranged reads (a
 * data file's cached reader, or on the decoding worker the bytes the calling thread sent).
 *
 * @param read Reads bytes `[start, end)` of the file.
 * @param bytes The file's size.
 * @returns The reader.
 */
export async function openWasmReader(read: ReadRange, bytes: number): Promise<WasmReader> {
  const wasm = await _load();
  const file: ParquetFile = await wasm.ParquetFile.fromFile(new _RangeBlob(read, 0, bytes));
  return {
    readRowGroup: async (index, kinds) => {
      const table = await file.read({
        rowGroups: [index],
        columns: [...kinds.keys()],
        batchSize: 1 << 30,
      });
      const stream = table.intoFFI();
      try {
        const memory = wasm.wasmMemory().buffer as ArrayBuffer;
        const schema = readSchema(memory, stream.schemaAddr());
        const chunks = new Map<string, ColumnData[]>([...kinds.keys()].map((n) => [n, []]));
        for (let c = 0; c < stream.numArrays(); c++) {
          const columns = childArrays(memory, stream.arrayAddr(c));
          schema.children.forEach((field, i) => {
            const kind = kinds.get(field.name);
            if (kind) chunks.get(field.name)!.push(readColumn(memory, field, columns[i]!, kind));
          });
        }
        const out = new Map<string, ColumnData>();
        for (const [name, parts] of chunks) {
          if (parts.length > 0) out.set(name, concatColumns(parts, kinds.get(name)!));
        }
        return out;
      } finally {
        stream.free();
      }
    },
  };
}

/** A Blob whose bytes are a range of a file, read only when asked for. */
class _RangeBlob extends Blob {
  readonly #read: ReadRange;
  readonly #start: number;
  readonly #end: number;

  constructor(read: ReadRange, start: number, end: number) {
    super();
    this.#read = read;
    this.#start = start;
    this.#end = end;
  }

  override get size(): number {
    return this.#end - this.#start;
  }

  override slice(start = 0, end = this.size): Blob {
    const clamp = (n: number) => Math.max(0, Math.min(this.size, n < 0 ? this.size + n : n));
    return new _RangeBlob(
      this.#read,
      this.#start + clamp(start),
      this.#start + Math.max(clamp(start), clamp(end)),
    );
  }

  override arrayBuffer(): Promise<ArrayBuffer> {
    return this.#read(this.#start, this.#end);
  }
}
