/**
 * Buffers the rows routed to one slot (as columns) and streams them into Parquet data files, one row
 * group at a time, never putting two rows of one key with the same `event_time` into one file.
 *
 * @module
 */

import { ColumnBuffer } from "./column_buffer.ts";
import { FastParquetWriter } from "./parquet_encode.ts";
import type { ParquetColumn } from "./parquet_write.ts";
import type { Part, Slot } from "./route.ts";
import { batchColumns } from "./row_batch.ts";
import type { Schema } from "./schema.ts";
import { hashPairs, type TieBuffer, TieIndex } from "./tie_index.ts";

/** Stores a finished data file under a unique name; returns the name. */
export type FileSaver = (slot: Slot, bytes: Uint8Array) => Promise<string>;

interface _Open {
  writer: FastParquetWriter | undefined;
  chunks: Uint8Array[];
  seen: TieIndex;
  rows: number;
  hasDeleted: boolean;
  maxEventTime: number;
}

/**
 * The open file of one slot. Rows are copied into column buffers; a full buffer becomes a row group.
 * A row that ties (same key and `event_time`) with a buffered row replaces it; one that ties with an
 * already written row group starts a new file, which is listed first and so wins.
 */
export class SlotWriter {
  readonly slot: Slot;
  readonly #save: FileSaver;
  readonly #groupRows: number;
  readonly #columns: ParquetColumn[];
  #buffer: ColumnBuffer;
  // The pair being looked up in the tie index: a row of a batch.
  #probe: ColumnBuffer | undefined;
  #probeRow = 0;
  readonly #ties: TieBuffer = {
    holds: (row) => {
      if (this.#probe === undefined) return false;
      const probe = this.#probe.columns;
      const at = this.#probeRow;
      const key = probe[0]!;
      const from = key.starts![at]!;
      return (this.#buffer.columns[1]!.data as Float64Array)[row] === probe[1]!.data[at] &&
        this.#buffer.equalsBytes(0, row, key.data as Uint8Array, from, from + key.lengths![at]!);
    },
  };
  #open: _Open = _fresh();
  /** Parts finished so far, in order. */
  readonly parts: Part[] = [];

  /**
   * @param slot Where the rows go.
   * @param schema The table schema.
   * @param save Stores a finished file.
   * @param groupRows Rows per row group.
   */
  constructor(slot: Slot, schema: Schema, save: FileSaver, groupRows: number) {
    this.slot = slot;
    this.#save = save;
    this.#groupRows = groupRows;
    this.#columns = batchColumns(schema);
    this.#buffer = new ColumnBuffer(this.#columns, Math.min(1024, groupRows));
  }

  /** Rows held by the open file (buffered or written), which bounds its memory. */
  get openRows(): number {
    return this.#open.rows + this.#buffer.length;
  }

  /** Whether the buffer holds a full row group ({@linkcode SlotWriter.flush} it). */
  get full(): boolean {
    return this.#buffer.length >= this.#groupRows;
  }

  /**
   * Reads the tie index where a row's lookup will start (see {@linkcode TieIndex.touch}).
   *
   * @param hashes The batch's pair hashes (lib/tie_index.ts `hashPairs`).
   * @param row The row's index in the batch.
   */
  touch(hashes: Int32Array, row: number): void {
    this.#open.seen.touch(hashes[2 * row]!);
  }

  /**
   * Adds a row of a batch, or refuses it when it ties (same key and `event_time`) with a row
   * already written to the open file: then {@linkcode SlotWriter.finish} the file and add it again.
   *
   * @param batch A row batch (lib/row_batch.ts) of the table's schema.
   * @param row The row's index in the batch.
   * @param hashes The batch's pair hashes (lib/tie_index.ts `hashPairs`).
   * @returns Whether the row was added.
   */
  add(batch: ColumnBuffer, row: number, hashes: Int32Array): boolean {
    const buffer = this.#buffer;
    const seen = this.#open.seen;
    this.#probe = batch;
    this.#probeRow = row;
    let at = seen.find(hashes[2 * row]!, hashes[2 * row + 1]!, this.#ties);
    this.#probe = undefined;
    if (at === TieIndex.WRITTEN) return false;
    if (at === TieIndex.NONE) {
      at = buffer.length++;
      buffer.reserve(at + 1);
      seen.add(at);
    }
    buffer.copyRow(batch, row, at);
    return true;
  }

  /** Writes the buffered rows as a row group of the open file. */
  async flush(): Promise<void> {
    const buffer = this.#buffer;
    const rows = buffer.length;
    if (rows === 0) return;
    const deleted = buffer.columns[this.#columns.length - 1]!.data as Uint8Array;
    let hasDeleted = false;
    for (let i = 0; i < rows && !hasDeleted; i++) hasDeleted = deleted[i] === 1;
    if (this.#open.writer && hasDeleted && !this.#open.hasDeleted) {
      await this.#close();
      // The buffered rows are distinct pairs: index them in the new file.
      const hashes = new Int32Array(2 * rows);
      hashPairs(buffer.columns[0]!, buffer.columns[1]!.data as Float64Array, rows, hashes);
      for (let i = 0; i < rows; i++) {
        this.#open.seen.find(hashes[2 * i]!, hashes[2 * i + 1]!, this.#ties);
        this.#open.seen.add(i);
      }
    }
    const open = this.#open;
    if (!open.writer) {
      open.hasDeleted = hasDeleted;
      const columns = hasDeleted ? this.#columns : this.#columns.slice(0, -1);
      open.writer = new FastParquetWriter(
        columns,
        (bytes) => Promise.resolve(void open.chunks.push(bytes)),
      );
    }
    await open.writer.writeColumns(buffer.columns, rows);
    open.seen.written(rows);
    const times = buffer.columns[1]!.data as Float64Array;
    for (let i = 0; i < rows; i++) if (times[i]! > open.maxEventTime) open.maxEventTime = times[i]!;
    open.rows += rows;
    buffer.clear();
  }

  async #close(): Promise<void> {
    const open = this.#open;
    this.#open = _fresh();
    if (!open.writer) return;
    await open.writer.finish();
    const size = open.chunks.reduce((n, c) => n + c.length, 0);
    const bytes = new Uint8Array(size);
    let offset = 0;
    for (const chunk of open.chunks) {
      bytes.set(chunk, offset);
      offset += chunk.length;
    }
    open.chunks.length = 0;
    const file = await this.#save(this.slot, bytes);
    this.parts.push({ slot: this.slot, file, maxEventTime: open.maxEventTime });
  }

  /** Writes the buffered rows and finishes the open file (a later row starts a new one). */
  async finish(): Promise<void> {
    await this.flush();
    await this.#close();
    // A finished slot may get no more rows: give back the buffer grown to a row group.
    this.#buffer = new ColumnBuffer(this.#columns, Math.min(1024, this.#groupRows));
  }
}

function _fresh(): _Open {
  return {
    writer: undefined,
    chunks: [],
    seen: new TieIndex(),
    rows: 0,
    hasDeleted: false,
    maxEventTime: -Infinity,
  };
}
