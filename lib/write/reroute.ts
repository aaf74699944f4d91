/**
 * Re-routing a write whose commit found the segment layout changed (a compaction committed while it
 * was in flight): the rows it already wrote are read back from its **home** part files (every input
 * row is in exactly one; up and carry files are copies) and written again through the write path
 * against the newer snapshot, a bounded number of times. See docs/SPEC.md §9.5.
 *
 * @module
 */

import { ColumnBuffer } from "../columns/column_buffer.ts";
import type { ColumnData } from "../columns/column_data.ts";
import { type DecodedRowGroup, openDataFile } from "../parquet/data_file.ts";
import { AzofError } from "../errors.ts";
import { addParts, layoutFingerprint, type Part } from "./route.ts";
import { batchColumns } from "../input/row_batch.ts";
import type { Schema } from "../format/schema.ts";
import type { Snapshot } from "../format/snapshot.ts";
import type { SnapshotContent } from "../format/snapshot_json.ts";
import type { Table } from "../format/table.ts";
import type { ValidatedRows, WriteOptions, WriteResult } from "./options.ts";

/** A write's commit found the segment layout changed since it routed its rows. */
export class LayoutChanged extends AzofError {
  /** The parts the write had written (to re-read its home files from). */
  readonly parts: readonly Part[];
  /** Commits tried before the change was seen (snapshot names found taken). */
  readonly attempts: number;

  /**
   * @param table The table name.
   * @param parts The parts written.
   * @param attempts Commits tried before the change was seen.
   */
  constructor(table: string, parts: readonly Part[], attempts: number) {
    super(
      "CommitConflict",
      `Cannot commit to table ${table}: its segment layout was changed by a concurrent commit; write again`,
    );
    this.parts = parts;
    this.attempts = attempts;
  }
}

/**
 * The commit step of a write (for `commitSnapshot`): adds the parts to the newest snapshot when its
 * layout routes rows as the snapshot they were routed against did; otherwise throws
 * {@linkcode LayoutChanged}.
 *
 * @param table The table.
 * @param routed The snapshot the rows were routed against.
 * @param parts The parts written.
 * @returns The build function.
 *
 * @example A segment closed by a concurrent commit stops the commit
 * ```ts
 * import { LayoutChanged, layoutGuard } from "./reroute.ts";
 * import { MemoryStore } from "../store/memory.ts";
 * import { openTable } from "../format/table.ts";
 * import assert from "node:assert/strict";
 * const segment = { id: "2019", start: Date.UTC(2019, 0, 1), deltas: [], children: [] };
 * const routed = { version: 1, schema: { columns: [] }, segments: [segment], extra: {} };
 * const closed = { ...routed, version: 2, segments: [{ ...segment, end: Date.UTC(2020, 0, 1) - 1 }] };
 * const build = layoutGuard(openTable(new MemoryStore(), "t"), routed, []);
 * assert.equal(build({ ...routed, version: 2 }).segments.length, 1);
 * assert.throws(() => build(closed), LayoutChanged);
 * ```
 */
export function layoutGuard(
  table: Table,
  routed: Snapshot,
  parts: readonly Part[],
): (current: Snapshot | undefined) => SnapshotContent {
  const fingerprint = layoutFingerprint(routed.segments);
  let tried = 0;
  return (current) => {
    if (!current || layoutFingerprint(current.segments) !== fingerprint) {
      throw new LayoutChanged(table.name, parts, tried);
    }
    tried++;
    return { ...current, segments: addParts(current.segments, parts) };
  };
}

/** The write that hit a layout change: its input and what it counted. */
export interface FirstAttempt {
  /** The rows it was given (row batches re-read by {@linkcode rerouteWrite} for a nested write). */
  readonly rows: AsyncIterable<ValidatedRows>;
  /** Rows and deletions it read from its input. */
  readonly stats: { readonly rows: number; readonly deletes: number };
  /** Its options. */
  readonly options: WriteOptions;
}

/** Writes rows against a snapshot and commits them (`writeBatches`). */
export type BatchWriter = (
  table: Table,
  snapshot: Snapshot,
  rows: AsyncIterable<ValidatedRows>,
  options: WriteOptions,
) => Promise<WriteResult>;

/**
 * Writes again, against the newest snapshot, the rows of a write whose commit found the layout
 * changed: its home part files are read back (oldest first per slot, so a later tied row still
 * wins) and routed anew; up to `maxAttempts` times (10 by default), then `CommitConflict`. The
 * first attempt's files are left to the caller (delete them once this returns or throws); the files
 * of failed re-routes are deleted by the nested write. The result counts the first attempt's input
 * rows and every commit attempt.
 *
 * @param table The table.
 * @param conflict The first attempt's layout conflict.
 * @param first The first attempt's input, counts and options.
 * @param write The write path (`writeBatches`).
 * @returns What the re-routed write committed.
 * @throws {AzofError} `CommitConflict` when the layout changed again every time.
 */
export async function rerouteWrite(
  table: Table,
  conflict: LayoutChanged,
  first: FirstAttempt,
  write: BatchWriter,
): Promise<WriteResult> {
  // A re-routed write that meets another change hands it back to the loop below.
  if (first.rows instanceof _Reread) throw conflict;
  const homes = conflict.parts.filter((p) => p.slot.kind === "home").map((p) => p.file);
  const options = { ...first.options, onProgress: undefined };
  const maxAttempts = first.options.maxAttempts ?? 10;
  let attempts = conflict.attempts;
  for (let reroute = 1; reroute <= maxAttempts; reroute++) {
    const snapshot = await table.snapshot();
    try {
      const result = await write(
        table,
        snapshot,
        new _Reread(table, snapshot.schema, homes),
        options,
      );
      return {
        ...result,
        rows: first.stats.rows,
        deletes: first.stats.deletes,
        attempts: attempts + result.attempts,
      };
    } catch (error) {
      if (!(error instanceof LayoutChanged)) throw error;
      attempts += error.attempts;
    }
  }
  throw new AzofError(
    "CommitConflict",
    `Cannot commit to table ${table.name}: concurrent commits changed its segment layout ${
      maxAttempts + 1
    } times; write again`,
  );
}

/** The rows of a write's home files as row batches, one per row group, files in the order given. */
class _Reread implements AsyncIterable<ColumnBuffer> {
  readonly #table: Table;
  readonly #schema: Schema;
  readonly #files: readonly string[];

  constructor(table: Table, schema: Schema, files: readonly string[]) {
    this.#table = table;
    this.#schema = schema;
    this.#files = files;
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<ColumnBuffer> {
    const names = this.#schema.columns.map((c) => c.name);
    for (const name of this.#files) {
      const file = await openDataFile(this.#table, name, this.#schema);
      for (let group = 0; group < file.rowGroups.length; group++) {
        yield _batchOf(await file.readRowGroup(group, names), this.#schema);
      }
    }
  }
}

function _batchOf(group: DecodedRowGroup, schema: Schema): ColumnBuffer {
  const rows = group.rows;
  const batch = new ColumnBuffer(batchColumns(schema), Math.max(rows, 1));
  _copy(batch, 0, group.key, rows);
  for (let r = 0; r < rows; r++) batch.set(1, r, group.eventTime[r]!);
  schema.columns.forEach((c, i) => _copy(batch, i + 2, group.columns.get(c.name)!, rows));
  const deleted = group.deleted;
  const last = schema.columns.length + 2;
  for (let r = 0; r < rows; r++) batch.set(last, r, deleted?.[r] === 1);
  batch.length = rows;
  return batch;
}

function _copy(batch: ColumnBuffer, column: number, data: ColumnData, rows: number): void {
  const nulls = data.nulls;
  if (data.kind === "utf8") {
    const offsets = data.offsets;
    for (let r = 0; r < rows; r++) {
      if (nulls?.[r] === 1) batch.set(column, r, null);
      else batch.setBytes(column, r, data.bytes, offsets[r]!, offsets[r + 1]!);
    }
    return;
  }
  for (let r = 0; r < rows; r++) {
    if (nulls?.[r] === 1) batch.set(column, r, null);
    else if (data.kind === "bool") batch.set(column, r, data.values[r] === 1);
    else batch.set(column, r, data.values[r]!);
  }
}
