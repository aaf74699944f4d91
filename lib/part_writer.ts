/**
 * Buffers the rows routed to one slot (as columns) and writes them as Parquet data files in key
 * order, never putting two rows of one key with the same `event_time` into one file.
 *
 * @module
 */

import { ColumnBuffer } from "./column_buffer.ts";
import { FastParquetWriter } from "./parquet_encode.ts";
import type { ParquetColumn } from "./parquet_write.ts";
import type { Part, Slot } from "./route.ts";
import { batchColumns } from "./row_batch.ts";
import type { Schema } from "./schema.ts";
import { keyTimeOrder } from "./key_order.ts";
import { type TieBuffer, TieIndex } from "./tie_index.ts";

/** Stores a finished data file under a unique name; returns the name. */
export type FileSaver = (slot: Slot, bytes: Uint8Array) => Promise<string>;

interface _Open {
  seen: TieIndex;
  hasDeleted: boolean;
  maxEventTime: number;
}

/**
 * The open file of one slot. Rows are copied into a column buffer until the file is finished; then
 * they are sorted into key order (docs/SPEC.md §5.5) and written as row groups. A row that ties
 * (same key and `event_time`) with a buffered row replaces it, so no file holds a tie.
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

  /** Rows held by the open file, which bounds its memory. */
  get openRows(): number {
    return this.#buffer.length;
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
   * Adds a row of a batch; a buffered row with the same key and `event_time` is replaced.
   *
   * @param batch A row batch (lib/row_batch.ts) of the table's schema.
   * @param row The row's index in the batch.
   * @param hashes The batch's pair hashes (lib/tie_index.ts `hashPairs`).
   */
  add(batch: ColumnBuffer, row: number, hashes: Int32Array): void {
    const buffer = this.#buffer;
    const open = this.#open;
    this.#probe = batch;
    this.#probeRow = row;
    let at = open.seen.find(hashes[2 * row]!, hashes[2 * row + 1]!, this.#ties);
    this.#probe = undefined;
    if (at === TieIndex.NONE) {
      at = buffer.length++;
      buffer.reserve(at + 1);
      open.seen.add(at);
    }
    buffer.copyRow(batch, row, at);
    const time = (batch.columns[1]!.data as Float64Array)[row]!;
    if (time > open.maxEventTime) open.maxEventTime = time;
    const deleted = batch.columns[this.#columns.length - 1]!.data as Uint8Array;
    if (deleted[row] === 1) open.hasDeleted = true;
  }

  /**
   * Writes the buffered rows in key order as one file and starts a new one (a later row of the slot
   * goes to the new file).
   */
  async finish(): Promise<void> {
    const buffer = this.#buffer;
    const open = this.#open;
    const rows = buffer.length;
    this.#open = _fresh();
    if (rows > 0) {
      const chunks: Uint8Array[] = [];
      const columns = open.hasDeleted ? this.#columns : this.#columns.slice(0, -1);
      const writer = new FastParquetWriter(
        columns,
        (bytes) => Promise.resolve(void chunks.push(bytes)),
        { keyOrdered: true },
      );
      const [key, time] = buffer.columns;
      const order = keyTimeOrder(
        key!.data as Uint8Array,
        key!.starts!,
        key!.lengths!,
        time!.data as Float64Array,
        rows,
      );
      const group = new ColumnBuffer(this.#columns, Math.min(rows, this.#groupRows));
      for (let from = 0; from < rows; from += this.#groupRows) {
        const to = Math.min(rows, from + this.#groupRows);
        group.clear();
        for (let i = from; i < to; i++) group.copyRow(buffer, order[i]!, i - from);
        await writer.writeColumns(group.columns, to - from);
      }
      await writer.finish();
      const file = await this.#save(this.slot, _concat(chunks));
      this.parts.push({ slot: this.slot, file, maxEventTime: open.maxEventTime });
    }
    // A finished slot may get no more rows: give back the buffer grown to the file's size.
    this.#buffer = new ColumnBuffer(this.#columns, Math.min(1024, this.#groupRows));
  }
}

function _concat(chunks: readonly Uint8Array[]): Uint8Array {
  const bytes = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.length;
  }
  return bytes;
}

function _fresh(): _Open {
  return { seen: new TieIndex(), hasDeleted: false, maxEventTime: -Infinity };
}
