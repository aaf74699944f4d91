/**
 * The write path: route rows to segments, stream them into new data files, then commit a snapshot
 * naming them. A failure before the commit leaves the table as it was (the files become orphans and
 * are deleted, best effort); after a commit whose outcome stayed unknown they are kept (SPEC §9).
 *
 * @module
 */

import { commitSnapshot } from "./commit.ts";
import { AzofError } from "../errors.ts";
import { DEFAULT_POLICY, parsePolicy, type Period } from "../format/policy.ts";
import { rowFromObject, type WriteRow } from "../input/row.ts";
import { type Part, Router, type Slot } from "./route.ts";
import type { ColumnBuffer } from "../columns/column_buffer.ts";
import { SlotWriter } from "./part_writer.ts";
import { hashPairs } from "./tie_index.ts";
import { batchFromRows } from "../input/row_batch.ts";
import type { Snapshot } from "../format/snapshot.ts";
import type { Table } from "../format/table.ts";
import { LayoutChanged, layoutGuard, rerouteWrite } from "./reroute.ts";
import type { ValidatedRows, WriteOptions, WriteResult } from "./options.ts";

/** A row object `{ key, event_time, <columns>, _deleted? }`, or an Arrow `RecordBatch` of them. */
export type WriteInput = Readonly<Record<string, unknown>> | ArrowBatchLike;

/** The part of an apache-arrow `RecordBatch` the writer uses. */
export interface ArrowBatchLike {
  /** Number of rows. */
  readonly numRows: number;
  /** Rows as objects with a `toJSON()`. */
  toArray(): { toJSON(): Record<string, unknown> }[];
}

/**
 * Appends rows to a table in one commit. Rows may arrive in any order, late, tied (same key and
 * `event_time`: the later row wins) or as deletions (`_deleted: true`).
 *
 * @param table The table (it must exist).
 * @param rows Row objects or Arrow batches, sync or async.
 * @param options Row-group size, progress.
 * @returns What was written and the snapshot committed.
 * @throws {AzofError} `InputInvalid` for a bad row (naming it and the column), `CommitConflict`;
 *   `CommitUnknown` when the store left it unknown whether the snapshot was created (the files
 *   are kept; write again with the same `idempotencyKey`).
 *
 * @example Create a table and write two rows
 * ```ts
 * import { appendRows, createTable, MemoryStore } from "../../mod.ts";
 * import assert from "node:assert/strict";
 * const table = await createTable(new MemoryStore(), "prices", {
 *   columns: [{ name: "price", type: "Float", nullable: false }],
 * });
 * const result = await appendRows(table, [
 *   { key: "a", event_time: "2024-01-01", price: 1.5 },
 *   { key: "a", event_time: "2023-06-01", price: 1.0 },
 * ]);
 * assert.equal(result.version, 2);
 * ```
 */
export async function writeRows(
  table: Table,
  rows: Iterable<WriteInput> | AsyncIterable<WriteInput>,
  options: WriteOptions = {},
): Promise<WriteResult> {
  const snapshot = await table.snapshot();
  return await writeValidated(table, snapshot, _validated(rows, snapshot), options);
}

async function* _validated(
  rows: Iterable<WriteInput> | AsyncIterable<WriteInput>,
  snapshot: Snapshot,
): AsyncGenerator<WriteRow> {
  let n = 0;
  for await (const item of rows) {
    if (_isBatch(item)) {
      for (const row of item.toArray()) {
        yield rowFromObject(row.toJSON(), snapshot.schema, `row ${++n}`);
      }
    } else {
      yield rowFromObject(item as Record<string, unknown>, snapshot.schema, `row ${++n}`);
    }
  }
}

function _isBatch(item: WriteInput): item is ArrowBatchLike {
  return typeof (item as ArrowBatchLike).toArray === "function" &&
    typeof (item as ArrowBatchLike).numRows === "number";
}

/**
 * The policy a snapshot records in its `"policy"` field, or the default (yearly).
 *
 * @example The segment policy of a table with quarters inside years
 * ```ts
 * import { createTable, MemoryStore, tablePolicy } from "../../mod.ts";
 * import assert from "node:assert/strict";
 * const table = await createTable(new MemoryStore(), "t", { columns: [] }, {
 *   segment: ["P1Y", "P3M"],
 * });
 * assert.deepEqual(tablePolicy(await table.snapshot()).map((p) => p.text), ["P1Y", "P3M"]);
 * ```
 *
 * @param snapshot The snapshot.
 * @returns The parsed policy.
 */
export function tablePolicy(snapshot: Snapshot): Period[] {
  const policy = snapshot.extra.policy as { segment?: unknown } | undefined;
  const levels = policy?.segment;
  if (Array.isArray(levels) && levels.every((l) => typeof l === "string")) {
    return parsePolicy(levels as string[]);
  }
  return parsePolicy(DEFAULT_POLICY);
}

/**
 * Writes already validated rows against a snapshot and commits them (the CLI's NDJSON reader
 * validates with line numbers and calls this). Rows may come one by one or in arrays.
 *
 * @example Write two validated rows, then read them back
 * ```ts
 * import { createTable, MemoryStore, scan, writeValidated } from "../../mod.ts";
 * import assert from "node:assert/strict";
 * const table = await createTable(new MemoryStore(), "t", {
 *   columns: [{ name: "v", type: "Int", nullable: false }],
 * });
 * async function* rows() {
 *   yield { key: "a", eventTime: Date.UTC(2024, 0, 1), values: [1n], deleted: false };
 *   yield [{ key: "b", eventTime: Date.UTC(2024, 0, 2), values: [2n], deleted: false }];
 * }
 * const result = await writeValidated(table, await table.snapshot(), rows());
 * assert.equal(result.rows, 2);
 * let read = 0;
 * for await (const batch of (await scan(table)).batches) read += batch.rows;
 * assert.equal(read, 2);
 * ```
 *
 * @param table The table.
 * @param snapshot The snapshot the rows are routed against (normally the current one).
 * @param rows The rows, or arrays of rows.
 * @param options Row-group size, progress.
 * @returns What was written.
 */
export function writeValidated(
  table: Table,
  snapshot: Snapshot,
  rows: AsyncIterable<WriteRow | readonly WriteRow[]>,
  options: WriteOptions = {},
): Promise<WriteResult> {
  return writeBatches(table, snapshot, rows, options);
}

/**
 * Like {@linkcode writeValidated}, also taking row batches (what `csvBatches` yields; see
 * lib/input/row_batch.ts), which the CLI's CSV input uses.
 *
 * @param table The table.
 * @param snapshot The snapshot the rows are routed against (normally the current one).
 * @param rows The rows, arrays of rows or row batches.
 * @param options Row-group size, progress.
 * @returns What was written.
 */
export async function writeBatches(
  table: Table,
  snapshot: Snapshot,
  rows: AsyncIterable<ValidatedRows>,
  options: WriteOptions = {},
): Promise<WriteResult> {
  const router = new Router(snapshot.segments, tablePolicy(snapshot));
  const files: string[] = [];
  // Files are stored in the background, at most two at once, while the rows go on; the commit
  // waits for all of them (and a failed one fails the write).
  const puts: Promise<void>[] = [];
  let failed: { error: unknown } | undefined;
  const stored = async (most: number) => {
    while (puts.length > most) await puts.shift();
    if (failed) throw failed.error;
  };
  const save = async (slot: Slot, bytes: Uint8Array) => {
    const segment = slot.path.map((p) => p.id).join("_").replace(/[^A-Za-z0-9_-]/g, "-");
    const file = `data/${segment}-${slot.kind}-${crypto.randomUUID()}.parquet`;
    await stored(1);
    files.push(file);
    puts.push(
      table.store.put(table.key(file), bytes).then(
        () => void (stats.bytes += bytes.length),
        (error) => void (failed ??= { error }),
      ),
    );
    return file;
  };
  const stats = { rows: 0, deletes: 0, bytes: 0, carried: 0 };
  try {
    const parts = await _route(router, snapshot, rows, save, stats, options);
    await stored(0);
    if (parts.length === 0) return _result(snapshot.version, stats, 0, 0, 0);
    const summary = {
      rows: stats.rows,
      deletes: stats.deletes,
      carried_rows: stats.carried,
      files: parts.map((p) => p.file),
      bytes: stats.bytes,
      segments_created: router.created,
    };
    const commit = await commitSnapshot(table, layoutGuard(table, snapshot, parts), {
      operation: options.operation ?? "write",
      summary,
      maxAttempts: options.maxAttempts,
      idempotencyKey: options.idempotencyKey,
    });
    if (!commit.alreadyCommitted) {
      return _result(commit.version, stats, parts.length, router.created, commit.attempts);
    }
    await _deleteFiles(table, files);
    return {
      ..._result(commit.version, stats, 0, 0, commit.attempts),
      bytes: 0,
      alreadyCommitted: true,
    };
  } catch (error) {
    await Promise.all(puts);
    // The snapshot may be stored and name the files: keep them (SPEC §9 rule 7).
    if (error instanceof AzofError && error.code === "CommitUnknown") throw error;
    try {
      // The layout changed under the write (a compaction): route its rows again (SPEC §9.5).
      if (!(error instanceof LayoutChanged)) throw error;
      return await rerouteWrite(table, error, { rows, stats, options }, writeBatches);
    } finally {
      await _deleteFiles(table, files);
    }
  }
}

function _deleteFiles(table: Table, files: readonly string[]): Promise<unknown> {
  return Promise.all(files.map((f) => table.store.delete(table.key(f)).catch(() => {})));
}

async function _route(
  router: Router,
  snapshot: Snapshot,
  rows: AsyncIterable<ValidatedRows>,
  save: (slot: Slot, bytes: Uint8Array) => Promise<string>,
  stats: { rows: number; deletes: number; carried: number },
  options: WriteOptions,
): Promise<Part[]> {
  const groupRows = options.rowGroupRows ?? 65_536;
  const maxOpen = options.maxOpenRows ?? 1_000_000;
  const writers = new Map<string, SlotWriter>();
  let open = 0;
  let reported = 0;
  let lastSlot: Slot | undefined;
  let lastWriter: SlotWriter | undefined;
  const writerOf = (slot: Slot) => {
    if (slot === lastSlot) return lastWriter!;
    let writer = writers.get(slot.id);
    if (!writer) {
      writer = new SlotWriter(slot, snapshot.schema, save, groupRows);
      writers.set(slot.id, writer);
    }
    lastSlot = slot;
    lastWriter = writer;
    return writer;
  };
  let hashes = new Int32Array(2048);
  // Synchronous unless writers must finish files, so most rows cost no promise.
  const step = (batch: ColumnBuffer, row: number, times: Float64Array, deleted: Uint8Array) => {
    stats.rows++;
    if (deleted[row]) stats.deletes++;
    const slots = router.route(times[row]!);
    stats.carried += slots.length - 1;
    open += slots.length;
    for (const slot of slots) writerOf(slot).add(batch, row, hashes);
    if (open <= maxOpen) return undefined;
    return _finishLargest(writers).then((rows) => void (open = rows));
  };
  for await (const batch of _batches(rows, snapshot)) {
    const times = batch.columns[1]!.data as Float64Array;
    const deleted = batch.columns[snapshot.schema.columns.length + 2]!.data as Uint8Array;
    if (hashes.length < 2 * batch.length) hashes = new Int32Array(4 * batch.length);
    hashPairs(batch.columns[0]!, times, batch.length, hashes);
    for (let block = 0; block < batch.length; block += _BLOCK) {
      const end = Math.min(batch.length, block + _BLOCK);
      for (let row = block; row < end; row++) {
        writerOf(router.route(times[row]!)[0]!).touch(hashes, row);
      }
      for (let row = block; row < end; row++) {
        const pending = step(batch, row, times, deleted);
        if (pending) await pending;
      }
    }
    if (stats.rows - reported >= 65_536) {
      reported = stats.rows;
      options.onProgress?.(stats.rows);
    }
  }
  for (const writer of writers.values()) await writer.finish();
  return [...writers.values()].flatMap((w) => w.parts);
}

// Rows whose tie index slots are read ahead at once (their cache lines must stay in the cache).
const _BLOCK = 512;

/** The input as row batches; single rows gathered by the thousand. */
async function* _batches(
  rows: AsyncIterable<ValidatedRows>,
  snapshot: Snapshot,
): AsyncGenerator<ColumnBuffer> {
  let single: WriteRow[] = [];
  for await (const item of rows) {
    if (!Array.isArray(item) && !_isRowBatch(item)) {
      single.push(item as WriteRow);
      if (single.length < 1024) continue;
    }
    if (single.length > 0) yield batchFromRows(single, snapshot.schema);
    single = [];
    if (Array.isArray(item)) yield batchFromRows(item, snapshot.schema);
    else if (_isRowBatch(item)) yield item;
  }
  if (single.length > 0) yield batchFromRows(single, snapshot.schema);
}

function _isRowBatch(item: ValidatedRows): item is ColumnBuffer {
  return !Array.isArray(item) && typeof (item as ColumnBuffer).copyRow === "function";
}

async function _finishLargest(writers: Map<string, SlotWriter>): Promise<number> {
  const all = [...writers.values()].sort((a, b) => b.openRows - a.openRows);
  let total = all.reduce((n, w) => n + w.openRows, 0);
  const target = total / 2;
  for (const writer of all) {
    if (total <= target) break;
    total -= writer.openRows;
    await writer.finish();
  }
  return total;
}

function _result(
  version: number,
  stats: { rows: number; deletes: number; bytes: number; carried: number },
  files: number,
  segmentsCreated: number,
  attempts: number,
): WriteResult {
  return {
    version,
    rows: stats.rows,
    deletes: stats.deletes,
    files,
    bytes: stats.bytes,
    segmentsCreated,
    carriedRows: stats.carried,
    attempts,
    alreadyCommitted: false,
  };
}
