/**
 * Whole row groups of one data file decoded on the decoding worker
 * (lib/parquet/decode_worker_client.ts): started ahead by `DataFile.prefetch` (with the bytes of
 * the row group after, so that starting it waits for no I/O), taken by the reads that follow, and
 * for a read nothing was started for, decoded there at once.
 *
 * @module
 */

import type { ColumnData, ColumnKind } from "../columns/column_data.ts";
import type { WorkerFile } from "./decode_worker_client.ts";
import type { ChunkRange } from "./page_crc.ts";
import type { Piece } from "./piece_buffer.ts";

/** Row groups decoded ahead and not yet taken, at most, per file. */
const _AHEAD = 3;

/** Where a file's column chunks are and how to read them. */
export interface ChunkSource {
  /** The column chunks of a row group (none past the last row group). */
  ranges(index: number, columns: Iterable<string>): ChunkRange[];
  /** Reads them (adjacent ones together). */
  read(ranges: readonly ChunkRange[]): Promise<Piece[]>;
  /** Resolves when the worker may decode (the page index checked, for parquet-wasm). */
  ready(): Promise<void>;
}

interface _Ahead {
  readonly kinds: ReadonlyMap<string, ColumnKind>;
  readonly columns: Promise<Map<string, ColumnData> | undefined>;
}

/** The row groups of one file decoded on the worker. */
export class AheadDecodes {
  readonly #file: WorkerFile;
  readonly #source: ChunkSource;
  readonly #ahead = new Map<number, _Ahead>();
  readonly #bytes = new Map<string, Promise<Piece[]>>();
  /** The columns of the last row group started ahead: what reads of the others will want. */
  #wanted: ReadonlyMap<string, ColumnKind> = new Map();

  /**
   * @param file The file, registered with the worker.
   * @param source Its column chunks.
   */
  constructor(file: WorkerFile, source: ChunkSource) {
    this.#file = file;
    this.#source = source;
  }

  /**
   * Starts decoding columns of a row group, for a later {@linkcode AheadDecodes.read}, and reading
   * the bytes of the row group after it.
   *
   * @param index The row group.
   * @param kinds The file columns and their layouts.
   */
  start(index: number, kinds: ReadonlyMap<string, ColumnKind>): void {
    this.#wanted = kinds;
    this.#start(index, kinds, false);
    const after = this.#source.ranges(index + 1, kinds.keys());
    const key = _key(index + 1, kinds);
    if (after.length > 0 && !this.#bytes.has(key)) {
      this.#bytes.set(key, this.#source.read(after));
      for (const old of this.#bytes.keys()) {
        if (this.#bytes.size <= _AHEAD) break;
        this.#bytes.delete(old);
      }
    }
  }

  /**
   * Columns of a row group: those decoded ahead when they include them, otherwise decoded now.
   *
   * @param index The row group.
   * @param kinds The file columns and their layouts.
   * @param last Whether no later read of the row group follows (the decoded columns are dropped).
   * @returns The columns (their CRCs checked), or `undefined` when the worker is gone.
   * @throws {Error} What reading or decoding threw.
   */
  async read(
    index: number,
    kinds: ReadonlyMap<string, ColumnKind>,
    last: boolean,
  ): Promise<Map<string, ColumnData> | undefined> {
    const covers = (ahead: _Ahead) => [...kinds].every(([k, kind]) => ahead.kinds.get(k) === kind);
    let ahead = this.#ahead.get(index);
    // Not started ahead (a file's first row group): the columns later reads will want as well.
    if (!ahead && !last) ahead = this.#start(index, new Map([...this.#wanted, ...kinds]), true);
    if (ahead && covers(ahead)) {
      if (last) this.#ahead.delete(index);
      const columns = await ahead.columns;
      if (columns) return new Map([...columns].filter(([name]) => kinds.has(name)));
    }
    return await this.#decode(index, kinds, true);
  }

  #start(index: number, kinds: ReadonlyMap<string, ColumnKind>, urgent: boolean): _Ahead {
    const started = this.#ahead.get(index);
    if (started) return started;
    // A failure is left to the read that follows, which decodes again and reports it.
    const columns = this.#decode(index, kinds, urgent).catch(() => undefined);
    const ahead = { kinds, columns };
    this.#ahead.set(index, ahead);
    for (const old of this.#ahead.keys()) {
      if (this.#ahead.size <= _AHEAD) break;
      this.#ahead.delete(old);
    }
    return ahead;
  }

  async #decode(
    index: number,
    kinds: ReadonlyMap<string, ColumnKind>,
    urgent: boolean,
  ): Promise<Map<string, ColumnData> | undefined> {
    const ranges = this.#source.ranges(index, kinds.keys());
    const key = _key(index, kinds);
    const fetched = this.#bytes.get(key);
    this.#bytes.delete(key);
    const pieces = await (fetched ?? this.#source.read(ranges));
    await this.#source.ready();
    return await this.#file.decode({ index, kinds, ranges, pieces, urgent });
  }
}

function _key(index: number, kinds: ReadonlyMap<string, ColumnKind>): string {
  return `${index}:${[...kinds].join(";")}`;
}
