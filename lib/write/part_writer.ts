/**
 * Buffers the rows routed to one slot (as columns) and writes them as Parquet data files in key
 * order, never putting two rows of one key with the same `event_time` into one file.
 *
 * @module
 */

import { ColumnBuffer, type TypedColumn } from "../columns/column_buffer.ts";
import { FastParquetWriter } from "../parquet/encode.ts";
import type { ParquetColumn } from "../parquet/column.ts";
import type { Part, Slot } from "./route.ts";
import { batchColumns } from "../input/row_batch.ts";
import type { Schema } from "../format/schema.ts";
import { keyTimeOrder } from "../format/key_order.ts";
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
 * they are sorted into key order (docs/SPEC.md §5.6) and written as row groups. A row that ties
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
   * @param hashes The batch's pair hashes (lib/write/tie_index.ts `hashPairs`).
   * @param row The row's index in the batch.
   */
  touch(hashes: Int32Array, row: number): void {
    this.#open.seen.touch(hashes[2 * row]!);
  }

  /**
   * Adds a row of a batch; a buffered row with the same key and `event_time` is replaced.
   *
   * @param batch A row batch (lib/input/row_batch.ts) of the table's schema.
   * @param row The row's index in the batch.
   * @param hashes The batch's pair hashes (lib/write/tie_index.ts `hashPairs`).
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
      for (let from = 0; from < rows; from += this.#groupRows) {
        const index = order.subarray(from, Math.min(rows, from + this.#groupRows));
        await writer.writeColumns(buffer.columns.map((c) => _gather(c, index)), index.length);
      }
      await writer.finish();
      const file = await this.#save(this.slot, _concat(chunks));
      this.parts.push({ slot: this.slot, file, maxEventTime: open.maxEventTime });
    }
    // A finished slot may get no more rows: give back the buffer grown to the file's size.
    this.#buffer = new ColumnBuffer(this.#columns, Math.min(1024, this.#groupRows));
  }
}

/** The rows `index` of a column, in that order (strings keep their bytes, indexed anew). */
function _gather(column: TypedColumn, index: Int32Array): TypedColumn {
  const n = index.length;
  const pick = <T extends Int32Array | Uint8Array | Float64Array>(from: T, to: T): T => {
    for (let i = 0; i < n; i++) to[i] = from[index[i]!]!;
    return to;
  };
  const nulls = column.nulls && pick(column.nulls, new Uint8Array(n));
  if (column.starts) {
    const starts = pick(column.starts, new Int32Array(n));
    const lengths = pick(column.lengths!, new Int32Array(n));
    return { type: column.type, data: column.data, starts, lengths, nulls };
  }
  const { data } = column;
  let out: BigInt64Array | Float64Array | Uint8Array;
  if (data instanceof BigInt64Array) {
    const words = new Int32Array(data.buffer, data.byteOffset, 2 * data.length);
    const picked = new Int32Array(2 * n);
    for (let i = 0; i < n; i++) {
      picked[2 * i] = words[2 * index[i]!]!;
      picked[2 * i + 1] = words[2 * index[i]! + 1]!;
    }
    out = new BigInt64Array(picked.buffer);
  } else if (data instanceof Float64Array) out = pick(data, new Float64Array(n));
  else out = pick(data, new Uint8Array(n));
  return { type: column.type, data: out, starts: undefined, lengths: undefined, nulls };
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
