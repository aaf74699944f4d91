/**
 * Buffers the rows routed to one slot and streams them into Parquet data files, one row group at a
 * time, never putting two rows of one key with the same `event_time` into one file.
 *
 * @module
 */

import type { Value } from "./data_file.ts";
import { FastParquetWriter } from "./parquet_encode.ts";
import type { ParquetColumn } from "./parquet_write.ts";
import type { WriteRow } from "./row.ts";
import type { Part, Slot } from "./route.ts";
import { DELETED, EVENT_TIME, KEY, type Schema } from "./schema.ts";
import { TieIndex } from "./tie_index.ts";

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
 * The open file of one slot. Rows go to a buffer; a full buffer becomes a row group. A row that ties
 * (same key and `event_time`) with a buffered row replaces it; one that ties with an already written
 * row group starts a new file, which is listed first and so wins.
 */
export class SlotWriter {
  readonly slot: Slot;
  readonly #schema: Schema;
  readonly #save: FileSaver;
  readonly #groupRows: number;
  #buffer: WriteRow[] = [];
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
    this.#schema = schema;
    this.#save = save;
    this.#groupRows = groupRows;
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
   * Adds a row, or refuses it when it ties (same key and `event_time`) with a row already written
   * to the open file: then {@linkcode SlotWriter.finish} the file and add it again.
   *
   * @param row The row.
   * @returns Whether the row was added.
   */
  add(row: WriteRow): boolean {
    const buffer = this.#buffer;
    const at = this.#open.seen.find(row.key, row.eventTime, buffer);
    if (at === TieIndex.WRITTEN) return false;
    if (at >= 0) buffer[at] = row;
    else {
      this.#open.seen.add(buffer.length);
      buffer.push(row);
    }
    return true;
  }

  /** Writes the buffered rows as a row group of the open file. */
  async flush(): Promise<void> {
    await this.#flush();
  }

  async #flush(): Promise<void> {
    const rows = this.#buffer;
    if (rows.length === 0) return;
    const hasDeleted = rows.some((r) => r.deleted);
    if (this.#open.writer && hasDeleted && !this.#open.hasDeleted) {
      await this.#close();
      for (let i = 0; i < rows.length; i++) {
        this.#open.seen.find(rows[i]!.key, rows[i]!.eventTime, rows);
        this.#open.seen.add(i);
      }
    }
    const open = this.#open;
    if (!open.writer) {
      open.hasDeleted = hasDeleted;
      open.writer = new FastParquetWriter(
        this.#columns(hasDeleted),
        (bytes) => Promise.resolve(void open.chunks.push(bytes)),
      );
    }
    const columns: Value[][] = [rows.map((r) => r.key), rows.map((r) => r.eventTime)];
    this.#schema.columns.forEach((_, i) => columns.push(rows.map((r) => r.values[i]!)));
    if (open.hasDeleted) columns.push(rows.map((r) => r.deleted));
    await open.writer.writeRowGroup(columns);
    open.seen.written();
    for (const r of rows) if (r.eventTime > open.maxEventTime) open.maxEventTime = r.eventTime;
    open.rows += rows.length;
    this.#buffer = [];
  }

  #columns(hasDeleted: boolean): ParquetColumn[] {
    return [
      { name: KEY, type: "String", nullable: false },
      { name: EVENT_TIME, type: "DateTime", nullable: false },
      ...this.#schema.columns,
      ...(hasDeleted ? [{ name: DELETED, type: "Boolean" as const, nullable: false }] : []),
    ];
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
    await this.#flush();
    await this.#close();
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
