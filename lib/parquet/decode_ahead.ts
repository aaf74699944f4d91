/**
 * Whole row groups of one data file decoded on the decoding worker
 * (lib/parquet/decode_worker_client.ts): started ahead by `DataFile.prefetch`, taken by the reads
 * that follow, and for a read nothing was started for, decoded there at once.
 *
 * @module
 */

import type { ColumnData, ColumnKind } from "../columns/column_data.ts";
import type { WorkerFile } from "./decode_worker_client.ts";
import type { Piece } from "./piece_buffer.ts";

/** Row groups decoded ahead and not yet taken, at most, per file. */
const _AHEAD = 3;

/** Reads the column chunks of a row group (after checking their CRCs), to move to the worker. */
export type ReadChunks = (
  index: number,
  kinds: ReadonlyMap<string, ColumnKind>,
) => Promise<readonly Piece[]>;

interface _Ahead {
  readonly kinds: ReadonlyMap<string, ColumnKind>;
  readonly columns: Promise<Map<string, ColumnData> | undefined>;
}

/** The row groups of one file decoded on the worker. */
export class AheadDecodes {
  readonly #file: WorkerFile;
  readonly #chunks: ReadChunks;
  readonly #ahead = new Map<number, _Ahead>();

  /**
   * @param file The file, registered with the worker.
   * @param chunks Reads a row group's column chunks.
   */
  constructor(file: WorkerFile, chunks: ReadChunks) {
    this.#file = file;
    this.#chunks = chunks;
  }

  /**
   * Starts decoding columns of a row group, for a later {@linkcode AheadDecodes.read}.
   *
   * @param index The row group.
   * @param kinds The file columns and their layouts.
   */
  start(index: number, kinds: ReadonlyMap<string, ColumnKind>): void {
    if (this.#ahead.has(index)) return;
    // A failure is left to the read that follows, which decodes again and reports it.
    const columns = this.#decode(index, kinds, false).catch(() => undefined);
    this.#ahead.set(index, { kinds, columns });
    for (const old of this.#ahead.keys()) {
      if (this.#ahead.size <= _AHEAD) break;
      this.#ahead.delete(old);
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
    const ahead = this.#ahead.get(index);
    if (ahead && [...kinds].every(([name, kind]) => ahead.kinds.get(name) === kind)) {
      if (last) this.#ahead.delete(index);
      const columns = await ahead.columns;
      if (columns) return new Map([...columns].filter(([name]) => kinds.has(name)));
    }
    return await this.#decode(index, kinds, true);
  }

  async #decode(
    index: number,
    kinds: ReadonlyMap<string, ColumnKind>,
    urgent: boolean,
  ): Promise<Map<string, ColumnData> | undefined> {
    return await this.#file.decode(index, kinds, await this.#chunks(index, kinds), urgent);
  }
}
